//! Response bodies on their way back: streamed through a [`Processor`] chunk by chunk,
//! and the [`Recorder`] that hands the finished exchange to the decider exactly once,
//! when the body ends or the client goes away.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use distillguard_model::Exchange;
use futures_util::Stream;
use http_body_util::BodyDataStream;
use hyper::body::Incoming;

use crate::decider::Decider;
use crate::dialect::Dialect;
use crate::response::Usage;
use crate::sse::{absorb_usage, Rewriter, Splitter};

/// Most bytes of a non-streamed body kept to read its usage block.
const MAX_OBSERVED_BODY: usize = 4 << 20;

/// Sends its exchange to the decider when dropped.
pub struct Recorder {
    exchange: Option<Exchange>,
    pub usage: Usage,
    started: Instant,
    decider: Arc<dyn Decider>,
}

impl Recorder {
    pub fn new(exchange: Exchange, started: Instant, decider: Arc<dyn Decider>) -> Recorder {
        Recorder {
            exchange: Some(exchange),
            usage: Usage::default(),
            started,
            decider,
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(mut exchange) = self.exchange.take() {
            exchange.input_tokens = self.usage.input_tokens.or(exchange.input_tokens);
            exchange.output_tokens = self.usage.output_tokens.or(exchange.output_tokens);
            exchange.reasoning_tokens = self.usage.reasoning_tokens.or(exchange.reasoning_tokens);
            exchange.latency_ms = Some(self.started.elapsed().as_millis() as u64);
            self.decider.record(exchange);
        }
    }
}

/// Sees (and may change) each chunk of a body.
pub trait Processor: Send + 'static {
    fn chunk(&mut self, bytes: Bytes) -> Bytes;
    /// Called once at the end of the body; returns bytes to append.
    fn end(&mut self) -> Bytes;
}

/// Passes bytes on untouched while reading the usage block on the side.
pub struct Tap {
    dialect: Dialect,
    splitter: Option<Splitter>,
    whole: Vec<u8>,
    recorder: Recorder,
}

impl Tap {
    pub fn new(dialect: Dialect, streaming: bool, recorder: Recorder) -> Tap {
        Tap {
            dialect,
            splitter: streaming.then(Splitter::default),
            whole: Vec::new(),
            recorder,
        }
    }
}

impl Processor for Tap {
    fn chunk(&mut self, bytes: Bytes) -> Bytes {
        match &mut self.splitter {
            Some(splitter) => {
                for event in splitter.push(&bytes) {
                    absorb_usage(self.dialect, &event, &mut self.recorder.usage);
                }
            }
            None => {
                if self.whole.len() + bytes.len() <= MAX_OBSERVED_BODY {
                    self.whole.extend_from_slice(&bytes);
                }
            }
        }
        bytes
    }

    fn end(&mut self) -> Bytes {
        if self.splitter.is_none() {
            if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&self.whole) {
                self.recorder.usage = Usage::of_body(&body);
            }
        }
        Bytes::new()
    }
}

/// Marks streamed output text (see [`Rewriter`]).
pub struct MarkStream {
    splitter: Splitter,
    rewriter: Rewriter,
    recorder: Recorder,
}

impl MarkStream {
    pub fn new(rewriter: Rewriter, recorder: Recorder) -> MarkStream {
        MarkStream {
            splitter: Splitter::default(),
            rewriter,
            recorder,
        }
    }
}

impl Processor for MarkStream {
    fn chunk(&mut self, bytes: Bytes) -> Bytes {
        let mut out = Vec::with_capacity(bytes.len() + 64);
        for event in self.splitter.push(&bytes) {
            self.rewriter.event(&event, &mut out);
        }
        self.recorder.usage = self.rewriter.usage;
        Bytes::from(out)
    }

    fn end(&mut self) -> Bytes {
        let mut out = Vec::new();
        let rest = self.splitter.take_rest();
        self.rewriter.finish(&rest, &mut out);
        self.recorder.usage = self.rewriter.usage;
        Bytes::from(out)
    }
}

/// An upstream body run through a [`Processor`].
pub struct Processed<P> {
    inner: BodyDataStream<Incoming>,
    processor: P,
    ended: bool,
}

impl<P: Processor> Processed<P> {
    pub fn new(inner: Incoming, processor: P) -> Processed<P> {
        Processed {
            inner: BodyDataStream::new(inner),
            processor,
            ended: false,
        }
    }
}

impl<P: Processor + Unpin> Stream for Processed<P> {
    type Item = Result<Bytes, hyper::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(bytes))) => {
                    let out = this.processor.chunk(bytes);
                    if out.is_empty() {
                        continue;
                    }
                    return Poll::Ready(Some(Ok(out)));
                }
                Poll::Ready(Some(Err(err))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(err)));
                }
                Poll::Ready(None) => {
                    this.ended = true;
                    let tail = this.processor.end();
                    if tail.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(Ok(tail)));
                }
            }
        }
    }
}
