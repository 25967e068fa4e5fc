//! TLS to a PostgreSQL server with rustls and ring (no OpenSSL, no aws-lc):
//! an online phase runs on a city's database server, and the desk's
//! password and the participants' words must not cross the network in the
//! clear. The server's certificate is always checked — against the
//! certificates the operating system trusts plus, as libpq does it, the
//! CA file of `sslrootcert=` or `PGSSLROOTCERT` (a city's own CA).
//!
//! libpq's addresses name more than tokio-postgres reads: `sslrootcert`
//! is taken out here, and `sslmode=verify-ca`/`verify-full` become
//! `require` (verifying is what this connector always does).

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use postgres::Socket;
use postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{ParticipationError, Result};

/// An address as tokio-postgres reads it, and the CA file it named.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub config: String,
    pub root_certificate: Option<PathBuf>,
}

/// Takes libpq's `sslrootcert` out of a URL (`postgresql://…?a=b&c=d`) or
/// key=value address and maps the verifying `sslmode`s to `require`.
pub fn libpq_address(address: &str) -> Address {
    let mut root_certificate = None;
    let mut keep = |key: &str, value: &str| -> Option<String> {
        match (key, value) {
            ("sslrootcert", v) => {
                root_certificate = Some(PathBuf::from(v));
                None
            }
            ("sslmode", "verify-ca" | "verify-full") => Some("require".into()),
            (_, v) => Some(v.to_string()),
        }
    };
    let url = address.starts_with("postgres://") || address.starts_with("postgresql://");
    let config = if url {
        match address.split_once('?') {
            None => address.to_string(),
            Some((base, query)) => {
                let kept: Vec<String> = query
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| {
                        let (k, v) = p.split_once('=').unwrap_or((p, ""));
                        // The CA file's name may be percent-encoded.
                        let v = if k == "sslrootcert" {
                            percent_decoded(v)
                        } else {
                            v.to_string()
                        };
                        keep(k, &v).map(|v| format!("{k}={v}"))
                    })
                    .collect();
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        address
            .split_whitespace()
            .filter_map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                let v = v.trim_matches('\'');
                keep(k, v).map(|v| format!("{k}={v}"))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    Address {
        config,
        root_certificate: root_certificate
            .or_else(|| std::env::var_os("PGSSLROOTCERT").map(PathBuf::from)),
    }
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Certificates the OS trusts plus those of `root_file` (PEM).
pub fn client_config(root_file: Option<&Path>) -> Result<rustls::ClientConfig> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = root_file {
        let unreadable = |why: String| {
            ParticipationError::Store(format!(
                "the CA file {} (sslrootcert) cannot be used: {why}",
                path.display()
            ))
        };
        let certificates: Vec<CertificateDer> = CertificateDer::pem_file_iter(path)
            .and_then(|c| c.collect())
            .map_err(|e| unreadable(e.to_string()))?;
        if certificates.is_empty() {
            return Err(unreadable("no PEM certificate in it".into()));
        }
        for c in certificates {
            roots.add(c).map_err(|e| unreadable(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ParticipationError::Store(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Hands tokio-postgres a TLS session for each connection it opens.
#[derive(Clone)]
pub struct RustlsConnect(pub Arc<rustls::ClientConfig>);

pub struct RustlsConnectOne {
    config: Arc<rustls::ClientConfig>,
    server: ServerName<'static>,
}

impl MakeTlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnectOne;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnectOne> {
        let server = ServerName::try_from(domain.to_string())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(RustlsConnectOne {
            config: self.0.clone(),
            server,
        })
    }
}

type Handshake = Pin<Box<dyn Future<Output = io::Result<RustlsStream>> + Send>>;

impl TlsConnect<Socket> for RustlsConnectOne {
    type Stream = RustlsStream;
    type Error = io::Error;
    type Future = Handshake;

    fn connect(self, stream: Socket) -> Handshake {
        let connector = tokio_rustls::TlsConnector::from(self.config);
        Box::pin(async move {
            let tls = connector.connect(self.server, stream).await?;
            Ok(RustlsStream(Box::new(tls)))
        })
    }
}

/// The encrypted connection (boxed: a TLS session is large).
pub struct RustlsStream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl AsyncRead for RustlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl TlsStream for RustlsStream {
    /// No channel binding: SCRAM without "-PLUS". The binding's hash
    /// depends on the certificate's signature algorithm, which would need a
    /// certificate parser; the certificate check above already ties the
    /// session to the right server.
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_addresses_are_read_as_libpq_means_them() {
        let a = libpq_address(
            "postgresql://werkstatt@db.jena.de/beteiligung?sslmode=verify-full&sslrootcert=%2Fetc%2Fstadt%20ca.pem&application_name=pw",
        );
        assert_eq!(
            a.config,
            "postgresql://werkstatt@db.jena.de/beteiligung?sslmode=require&application_name=pw"
        );
        assert_eq!(a.root_certificate, Some(PathBuf::from("/etc/stadt ca.pem")));
        let b =
            libpq_address("host=db port=5432 sslmode=verify-ca sslrootcert='/etc/ca.pem' dbname=w");
        assert_eq!(b.config, "host=db port=5432 sslmode=require dbname=w");
        assert_eq!(b.root_certificate, Some(PathBuf::from("/etc/ca.pem")));
        let c = libpq_address("postgresql://localhost/w?sslrootcert=ca.pem");
        assert_eq!(c.config, "postgresql://localhost/w");
        let d = libpq_address("host=127.0.0.1 user=pw sslmode=disable");
        assert_eq!(d.config, "host=127.0.0.1 user=pw sslmode=disable");
    }

    #[test]
    fn a_ca_file_without_certificates_is_said() {
        let dir = std::env::temp_dir().join(format!("pw-pg-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("leer.pem");
        std::fs::write(&empty, "kein Zertifikat\n").unwrap();
        let e = client_config(Some(&empty)).err().unwrap().to_string();
        assert!(
            e.contains("leer.pem") && e.contains("no PEM certificate"),
            "{e}"
        );
        let e = client_config(Some(&dir.join("fehlt.pem")))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("fehlt.pem"), "{e}");
        assert!(client_config(None).is_ok());
    }
}
