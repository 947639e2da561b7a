"""The official anthropic and openai SDKs, unchanged, through `distillguard gateway`.

Usage: sdk_check.py GATEWAY_URL STUB_URL KEY_FILE DISTILLGUARD_BIN
Accounts are chosen by API key; the policy file (written by the check script) lists
key ids: sk-allow (allow), sk-throttle, sk-block, sk-verify, sk-degrade (watermark,
omit reasoning, top_logprobs <= 2), sk-nolog (top_logprobs refused).
"""
import hashlib
import json
import subprocess
import sys
import tempfile
import urllib.request

import anthropic
import openai

GATEWAY, STUB, KEY_FILE, BIN = sys.argv[1:5]
passed = 0
failed = 0


def key_id(key):
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def stub_stats():
    with urllib.request.urlopen(STUB + "/stub/stats") as r:
        return json.load(r)


def metrics():
    with urllib.request.urlopen(GATEWAY + "/_distillguard/metrics") as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def verify(text, account):
    if BIN == "-":  # no binary (library-only runs): the Rust tests cover verification
        return None, "skipped"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    out = subprocess.run([BIN, "watermark", "verify", "--key-file", KEY_FILE, "--account", account,
                          "--text", f.name], capture_output=True, text=True, check=True).stdout
    p = float([l for l in out.splitlines() if l.startswith("p-value")][0].split()[-1])
    return p, out


def ant(key, retries=0):
    return anthropic.Anthropic(api_key=key, base_url=GATEWAY, max_retries=retries)


def oai(key, retries=0):
    return openai.OpenAI(api_key=key, base_url=GATEWAY + "/v1", max_retries=retries)


MSG = [{"role": "user", "content": "Explain caching."}]

# --- allow: unchanged, streaming and not --------------------------------------------
plain = ant("sk-allow").messages.create(model="m", max_tokens=300, messages=MSG)
text_plain = plain.content[0].text
check("anthropic allow: text", text_plain.startswith("The main idea is simple"), text_plain[:60])
check("anthropic allow: usage", plain.usage.output_tokens == 300, plain.usage)
with ant("sk-allow").messages.stream(model="m", max_tokens=300, messages=MSG) as stream:
    streamed = "".join(stream.text_stream)
    final = stream.get_final_message()
check("anthropic allow stream: same text", streamed == text_plain)
check("anthropic allow stream: final message", final.content[0].text == text_plain)
chat = oai("sk-allow").chat.completions.create(model="g", messages=MSG, max_tokens=300)
check("openai chat allow", chat.choices[0].message.content == text_plain)
chunks = oai("sk-allow").chat.completions.create(model="g", messages=MSG, max_tokens=300, stream=True,
                                                  stream_options={"include_usage": True})
chat_streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
check("openai chat allow stream", chat_streamed == text_plain)
resp = oai("sk-allow").responses.create(model="o", input="Explain caching.", max_output_tokens=300)
check("openai responses allow", resp.output_text == text_plain, resp.output_text[:60])
events = oai("sk-allow").responses.create(model="o", input="Explain caching.", max_output_tokens=300, stream=True)
deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
check("openai responses allow stream", deltas == text_plain)

# --- throttle: RateLimitError, bounded retries ---------------------------------------
before = metrics().get('distillguard_gateway_requests_total{action="throttle"}', 0)
try:
    ant("sk-throttle", retries=0).messages.create(model="m", max_tokens=10, messages=MSG)
    check("anthropic throttle raises", False)
except anthropic.RateLimitError as e:
    check("anthropic throttle raises RateLimitError", e.status_code == 429)
    check("anthropic throttle: retry-after", e.response.headers.get("retry-after") == "1", e.response.headers)
    check("anthropic throttle: error type", e.body["error"]["type"] == "rate_limit_error", e.body)
try:
    oai("sk-throttle", retries=1).chat.completions.create(model="g", messages=MSG)
    check("openai throttle raises", False)
except openai.RateLimitError as e:
    check("openai throttle raises RateLimitError", e.status_code == 429)
after = metrics().get('distillguard_gateway_requests_total{action="throttle"}', 0)
check("throttle retries bounded (1 + 0 + 1 retry = 3 requests)", after - before == 3, after - before)

# --- block: PermissionDeniedError, no retries even with max_retries=2 -----------------
before = metrics().get('distillguard_gateway_requests_total{action="block"}', 0)
try:
    ant("sk-block", retries=2).messages.create(model="m", max_tokens=10, messages=MSG)
    check("anthropic block raises", False)
except anthropic.PermissionDeniedError as e:
    check("anthropic block raises PermissionDeniedError", e.body["error"]["type"] == "permission_error", e.body)
try:
    with ant("sk-block", retries=2).messages.stream(model="m", max_tokens=10, messages=MSG) as s:
        s.get_final_message()
    check("anthropic block stream raises", False)
except anthropic.PermissionDeniedError:
    check("anthropic block stream raises PermissionDeniedError", True)
try:
    oai("sk-block", retries=2).responses.create(model="o", input="x")
    check("openai block raises", False)
except openai.PermissionDeniedError as e:
    check("openai block raises PermissionDeniedError", e.code == "account_blocked", e.body)
after = metrics().get('distillguard_gateway_requests_total{action="block"}', 0)
check("block is not retried (3 requests)", after - before == 3, after - before)
try:
    oai("sk-verify", retries=2).chat.completions.create(model="g", messages=MSG)
    check("openai verify raises", False)
except openai.PermissionDeniedError as e:
    check("openai verify names the step", "confirm the phone number" in str(e), str(e))

# --- degrade: valid responses, watermark, reasoning, logprobs ------------------------
acct = key_id("sk-degrade")
deg = ant("sk-degrade").messages.create(model="m", max_tokens=400, messages=MSG,
                                        thinking={"type": "enabled", "budget_tokens": 1024})
check("degrade: thinking display omitted upstream",
      stub_stats()["last"]["thinking"].get("display") == "omitted", stub_stats()["last"])
check("degrade: empty thinking, signature kept",
      deg.content[0].type == "thinking" and deg.content[0].thinking == "" and deg.content[0].signature)
marked = deg.content[1].text
check("degrade: text changed", marked != text_plain)
p, out = verify(marked * 5, acct)
if p is not None:
    check("degrade: watermark verifies for the account", p < 1e-6, out)
    p_other, out = verify(marked * 5, key_id("sk-allow"))
    check("degrade: not for another account", p_other > 0.01, out)
    p_plain, out = verify(text_plain * 5, acct)
    check("allow text carries no mark", p_plain > 0.01, out)
with ant("sk-degrade").messages.stream(model="m", max_tokens=400, messages=MSG) as stream:
    streamed = "".join(stream.text_stream)
    final = stream.get_final_message()
check("degrade stream: same marked text", streamed == marked and final.content[0].text == marked,
      (streamed[:80], marked[:80]))
chat = oai("sk-degrade").chat.completions.create(model="g", messages=MSG, max_tokens=400, logprobs=True, top_logprobs=10)
check("degrade chat: top_logprobs capped to 2", len(chat.choices[0].logprobs.content[0].top_logprobs) == 2)
check("degrade chat: marked", chat.choices[0].message.content == marked)
chunks = oai("sk-degrade").chat.completions.create(model="g", messages=MSG, max_tokens=400, stream=True)
check("degrade chat stream: marked", "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == marked)
resp = oai("sk-degrade").responses.create(model="o", input="x", max_output_tokens=400,
                                          reasoning={"effort": "high", "summary": "detailed"})
check("degrade responses: reasoning summary removed upstream",
      "summary" not in stub_stats()["last"]["reasoning"], stub_stats()["last"])
check("degrade responses: marked", resp.output_text == marked)
with oai("sk-degrade").responses.stream(model="o", input="x", max_output_tokens=400) as stream:
    text = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
    final = stream.get_final_response()
check("degrade responses stream: marked", text == marked and final.output_text == marked, (text[:60], final.output_text[:60]))
try:
    oai("sk-nolog").chat.completions.create(model="g", messages=MSG, logprobs=True, top_logprobs=5)
    check("logprobs refused", False)
except openai.BadRequestError as e:
    check("logprobs refused with 400 invalid_request_error", e.body["type"] == "invalid_request_error", e.body)

print(f"sdk: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
