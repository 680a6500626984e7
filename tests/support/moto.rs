//! A live IAM, STS and S3 API on loopback: `moto_server` as `scripts/ci-tools.sh` installs it, one server per
//! test on a free port, stopped when the test ends. And a proxy that puts faults between the SDK and moto.
//!
//! moto derives the account from the access key of each request: the test's static key is account
//! `123456789012`, and credentials from `sts:AssumeRole` land in the role's account, which is how the SDK
//! reaches the scenario's two accounts. IAM enforcement is off until [`Moto::enforce`].

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::rng::Rng;
use super::tools::{require, tools_dir};

/// `target/ci-tools/moto/bin/moto_server`.
#[must_use]
pub fn moto_server() -> Option<PathBuf> {
    require(
        "moto_server",
        tools_dir().join("moto").join("bin").join("moto_server"),
    )
}

/// Runs `moto_server`'s `main` with `GetBucketVersioning` answered as S3 answers it. moto 5.2 writes that
/// answer with the root element `GetBucketVersioningResponse`, which boto3 reads past and the Rust SDK refuses
/// ("expected `VersioningConfiguration`"); the rest of moto is left as it is.
const MOTO_WITH_S3_VERSIONING: &str = r#"
import sys
from moto.s3.responses import S3Response

def get_bucket_versioning(self):
    status = self.backend.get_bucket_versioning(self.bucket_name)
    inner = f"<Status>{status}</Status>" if status else ""
    return 200, {}, (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}</VersioningConfiguration>'
    )

S3Response.get_bucket_versioning = get_bucket_versioning
from moto.server import main
sys.exit(main(sys.argv[1:]))
"#;

/// A free loopback port (the listener is closed again; the server binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A running `moto_server`, stopped on drop.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    /// Starts a server, or `None` (outside CI) when moto is not installed.
    #[must_use]
    pub fn start() -> Option<Moto> {
        let server = moto_server()?;
        // The Python of moto's own environment, beside `moto_server`.
        let python = server.with_file_name("python");
        let port = free_port();
        let child = Command::new(python)
            .args(["-c", MOTO_WITH_S3_VERSIONING])
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env_remove("MOTO_ACCOUNT_ID")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while request(port, "GET", "/moto-api/data.json", "").is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Turns IAM enforcement on (`true`: every request is checked against the caller's policies) or off.
    pub fn enforce(&self, on: bool) {
        // reset-auth sets how many more requests pass unchecked: none, or (to switch it off) very many.
        let body = if on { "0" } else { "1000000000" };
        let response = request(self.port, "POST", "/moto-api/reset-auth", body)
            .expect("moto answers reset-auth");
        assert!(
            response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
            "{response}"
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP/1.0 request; the whole response as text.
fn request(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwards it and relays the answer.
    None,
    /// Answers a throttling error without forwarding (IAM/STS `Throttling`, S3 `SlowDown`).
    Throttle,
    /// Answers `500 InternalFailure` without forwarding.
    ServerError,
    /// Closes the connection without forwarding.
    DropBefore,
    /// Forwards it, so that moto carries it out, then closes the connection without answering.
    DropAfter,
}

/// What the proxy did, by kind of fault.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Requests seen.
    pub requests: AtomicUsize,
    /// Throttling answers.
    pub throttled: AtomicUsize,
    /// 500 answers.
    pub server_errors: AtomicUsize,
    /// Connections dropped before forwarding.
    pub dropped_before: AtomicUsize,
    /// Connections dropped after moto carried the request out.
    pub dropped_after: AtomicUsize,
}

/// A proxy on loopback in front of moto that injects faults into a seeded random share of requests, and
/// (when told) answers `500` to every request from a given one on.
#[derive(Debug)]
pub struct FaultProxy {
    port: u16,
    /// What it did.
    pub counts: Arc<FaultCounts>,
    /// The number of the first request that fails for certain (`usize::MAX`: none).
    outage_from: Arc<AtomicUsize>,
    /// Query-protocol actions whose next answers are lost after moto carried them out, with how many more.
    lose_answers: Arc<Mutex<Vec<(String, usize)>>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream_port` that disturbs `percent` % of requests (spread evenly over the four
    /// kinds of fault), drawing from `seed`.
    #[must_use]
    pub fn start(upstream_port: u16, percent: u64, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for the proxy");
        let port = listener.local_addr().expect("its address").port();
        let counts = Arc::new(FaultCounts::default());
        let outage_from = Arc::new(AtomicUsize::new(usize::MAX));
        let lose_answers = Arc::new(Mutex::new(Vec::new()));
        let rng = Arc::new(Mutex::new(Rng::new(seed)));
        let thread_counts = Arc::clone(&counts);
        let thread_outage = Arc::clone(&outage_from);
        let thread_lose = Arc::clone(&lose_answers);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let faults = Faults {
                    percent,
                    rng: Arc::clone(&rng),
                    counts: Arc::clone(&thread_counts),
                    outage_from: Arc::clone(&thread_outage),
                    lose_answers: Arc::clone(&thread_lose),
                };
                std::thread::spawn(move || {
                    let _ = serve(client, upstream_port, &faults);
                });
            }
        });
        FaultProxy {
            port,
            counts,
            outage_from,
            lose_answers,
        }
    }

    /// The next `times` requests of the IAM or STS action `action` (`CreatePolicyVersion`) reach moto, which
    /// carries them out, and then lose their answer: the connection closes, as when a network drops a reply.
    pub fn lose_answers_to(&self, action: &str, times: usize) {
        self.lose_answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((action.to_owned(), times));
    }

    /// From the `after`-th request from now on, every request gets `500` until [`FaultProxy::heal`].
    pub fn outage_after(&self, after: usize) {
        let seen = self.counts.requests.load(Ordering::SeqCst);
        self.outage_from.store(seen + after, Ordering::SeqCst);
    }

    /// Ends an outage.
    pub fn heal(&self) {
        self.outage_from.store(usize::MAX, Ordering::SeqCst);
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// An HTTP message: the head (start line and headers, without the blank line) and the body.
struct Message {
    head: String,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }
}

/// Reads one message; `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> std::io::Result<Option<Message>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if line == "\r\n" || line == "\n" {
            if head.is_empty() {
                continue;
            }
            break;
        }
        head.push_str(&line);
    }
    let head = head.trim_end().to_owned();
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    if message
        .header("transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            message.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = message.header("content-length") {
        let length: usize = length.parse().unwrap_or(0);
        message.body = vec![0; length];
        reader.read_exact(&mut message.body)?;
    } else if !message.head.starts_with("GET")
        && !message.head.starts_with("HEAD")
        && !message.head.starts_with("DELETE")
        && !message.head.starts_with("PUT")
        && !message.head.starts_with("POST")
    {
        // A response without a length: the body runs to the end of the stream.
        reader.read_to_end(&mut message.body)?;
    }
    Ok(Some(message))
}

/// The message's head without the framing headers, and a `Content-Length` for its (decoded) body.
fn reframed(message: &Message, extra: &str) -> Vec<u8> {
    let mut out = String::new();
    for (index, line) in message.head.lines().enumerate() {
        let name = line.split(':').next().unwrap_or("").trim();
        if index > 0
            && [
                "content-length",
                "transfer-encoding",
                "connection",
                "keep-alive",
            ]
            .iter()
            .any(|framing| name.eq_ignore_ascii_case(framing))
        {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(extra);
    let _ = write!(out, "Content-Length: {}\r\n\r\n", message.body.len());
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&message.body);
    bytes
}

fn error_response(status: &str, query_protocol: bool, code: &str, text: &str) -> Vec<u8> {
    let body = if query_protocol {
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{text}</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
        )
    } else {
        format!(
            "<Error><Code>{code}</Code><Message>{text}</Message><RequestId>fault</RequestId></Error>"
        )
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// What one connection's thread needs to decide the fault of each request.
struct Faults {
    percent: u64,
    rng: Arc<Mutex<Rng>>,
    counts: Arc<FaultCounts>,
    outage_from: Arc<AtomicUsize>,
    lose_answers: Arc<Mutex<Vec<(String, usize)>>>,
}

impl Faults {
    /// Whether `request` is one of the IAM or STS calls whose answer is to be lost (and counts it off).
    fn answer_lost(&self, request: &Message) -> bool {
        let mut targets = self
            .lose_answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let action = request
            .body
            .strip_prefix(b"Action=")
            .map(|rest| rest.split(|byte| *byte == b'&').next().unwrap_or_default())
            .unwrap_or_default();
        for (target, left) in targets.iter_mut() {
            if *left > 0 && action == target.as_bytes() {
                *left -= 1;
                return true;
            }
        }
        false
    }
}

fn serve(client: TcpStream, upstream_port: u16, faults: &Faults) -> std::io::Result<()> {
    let counts = &faults.counts;
    client.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut writer = client;
    while let Some(request) = read_message(&mut reader)? {
        let number = counts.requests.fetch_add(1, Ordering::SeqCst);
        let fault = if number >= faults.outage_from.load(Ordering::SeqCst) {
            Fault::ServerError
        } else if faults.answer_lost(&request) {
            Fault::DropAfter
        } else {
            let mut rng = faults
                .rng
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if rng.next_u64() % 100 < faults.percent {
                match rng.next_u64() % 4 {
                    0 => Fault::Throttle,
                    1 => Fault::ServerError,
                    2 => Fault::DropBefore,
                    _ => Fault::DropAfter,
                }
            } else {
                Fault::None
            }
        };
        // IAM and STS speak the query protocol (a form body with `Action=`); S3 speaks REST.
        let query_protocol = request.body.starts_with(b"Action=");
        match fault {
            Fault::Throttle => {
                counts.throttled.fetch_add(1, Ordering::Relaxed);
                let (status, code) = if query_protocol {
                    ("400 Bad Request", "Throttling")
                } else {
                    ("503 Slow Down", "SlowDown")
                };
                writer.write_all(&error_response(
                    status,
                    query_protocol,
                    code,
                    "Rate exceeded",
                ))?;
            }
            Fault::ServerError => {
                counts.server_errors.fetch_add(1, Ordering::Relaxed);
                writer.write_all(&error_response(
                    "500 Internal Server Error",
                    query_protocol,
                    "InternalFailure",
                    "injected",
                ))?;
            }
            Fault::DropBefore => {
                counts.dropped_before.fetch_add(1, Ordering::Relaxed);
                let _ = writer.shutdown(Shutdown::Both);
                return Ok(());
            }
            Fault::DropAfter | Fault::None => {
                let response = forward(&request, upstream_port)?;
                if fault == Fault::DropAfter {
                    counts.dropped_after.fetch_add(1, Ordering::Relaxed);
                    let _ = writer.shutdown(Shutdown::Both);
                    return Ok(());
                }
                writer.write_all(&reframed(&response, ""))?;
            }
        }
        writer.flush()?;
    }
    Ok(())
}

/// Sends `request` to moto on a connection of its own and reads the whole answer.
fn forward(request: &Message, upstream_port: u16) -> std::io::Result<Message> {
    let upstream = TcpStream::connect(("127.0.0.1", upstream_port))?;
    upstream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut writer = upstream.try_clone()?;
    writer.write_all(&reframed(request, "Connection: close\r\n"))?;
    writer.flush()?;
    let mut reader = BufReader::new(upstream);
    read_message(&mut reader)?
        .ok_or_else(|| std::io::Error::other("moto closed the connection without an answer"))
}

/// The access key of the base identity (account `123456789012`), which the tests' environment holds.
pub const BASE_ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";

/// The account moto puts [`BASE_ACCESS_KEY`] in.
pub const BASE_ACCOUNT: &str = "123456789012";

impl Moto {
    /// One query-protocol call (IAM, STS) as the holder of `access_key`: moto takes the account from the key
    /// and, with enforcement off, checks no signature. The whole response, head and body.
    #[must_use]
    pub fn query(&self, access_key: &str, service: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("moto");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a timeout");
        write!(
            stream,
            "POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential={access_key}/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .expect("a request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("a response");
        response
    }

    /// A key that acts in `account`: the base key in the base account, elsewhere a session of the role the
    /// deploy code assumes there (`OrganizationAccountAccessRole`).
    #[must_use]
    pub fn key_in(&self, account: &str) -> String {
        if account == BASE_ACCOUNT {
            return BASE_ACCESS_KEY.to_owned();
        }
        let assumed = self.query(
            BASE_ACCESS_KEY,
            "sts",
            &format!(
                "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2FOrganizationAccountAccessRole&RoleSessionName=tests"
            ),
        );
        element(&assumed, "AccessKeyId").to_owned()
    }
}

/// The text of the first `<tag>` in `xml`.
#[must_use]
pub fn element<'x>(xml: &'x str, tag: &str) -> &'x str {
    let open = format!("<{tag}>");
    let start = xml
        .find(&open)
        .map_or_else(|| panic!("no <{tag}> in {xml}"), |at| at + open.len());
    let end = start + xml[start..].find(&format!("</{tag}>")).unwrap_or(0);
    &xml[start..end]
}

/// A new access key for `user` of `account` (reached, as the deploy code does, by assuming a role there):
/// `(access key id, secret access key)`.
#[must_use]
pub fn create_access_key(moto: &Moto, account: &str, user: &str) -> (String, String) {
    let created = moto.query(
        &moto.key_in(account),
        "iam",
        &format!("Action=CreateAccessKey&Version=2010-05-08&UserName={user}"),
    );
    (
        element(&created, "AccessKeyId").to_owned(),
        element(&created, "SecretAccessKey").to_owned(),
    )
}
