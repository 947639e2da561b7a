//! One module per subcommand. Each has an `Args` (clap) and a `run(Args)`.

pub mod analyze;
pub mod demo;
pub mod eval;
pub mod gateway;
pub mod intel;
pub mod serve;
pub mod simulate;
pub mod watermark;

/// An error the user caused: unusable arguments or input that could not be read at
/// all. Exits with status 2 (the spec's contract); everything else exits 1.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Returns an `anyhow` error that exits with status 2.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// The exit status for an error: 2 if any cause is a [`UsageError`], else 1.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err
        .chain()
        .any(|cause| cause.downcast_ref::<UsageError>().is_some())
    {
        2
    } else {
        1
    }
}

/// Resolves on Ctrl-C or SIGTERM, for the long-running commands (`serve`, `gateway`).
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("shutting down");
}
