//! Signatures as git makes them with `gpg.format = ssh`: the signing key is git's
//! `user.signingkey` (a key file, or a `key::ssh-ed25519 AAAA…` literal for a key held by
//! ssh-agent — a PIV card's key through PKCS#11 is such a key), the signature is made by
//! `ssh-keygen -Y sign -n git` (so agents and hardware keys work), and it sits in the commit's
//! `gpgsig` header or at the end of the tag's message, where `git log --show-signature` and
//! `git tag -v` find it. Verification is pure Rust (the `ssh-key` crate's sshsig support).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use git2::{Oid, Repository, Signature};
use ssh_key::{HashAlg, PublicKey, SshSig};

use crate::error::{Error, Result};

/// The namespace git signs in.
pub const NAMESPACE: &str = "git";

/// Where the signing key is.
#[derive(Debug, Clone)]
pub enum SigningKey {
    /// A key file (private, or public with the private half in ssh-agent).
    File(PathBuf),
    /// A public key given literally (`key::…`): the private half is in ssh-agent.
    Literal(String),
}

/// The signing key git would use: `user.signingkey` (with `~/` expanded), `None` when unset.
pub fn signing_key(repo: &Repository) -> Option<SigningKey> {
    signing_key_in(repo.config().ok()?)
}

/// The signing key a git configuration names (a repository's, or the user's global one).
pub fn signing_key_in(mut config: git2::Config) -> Option<SigningKey> {
    let cfg = config.snapshot().ok()?;
    let v = cfg.get_string("user.signingkey").ok()?;
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if let Some(lit) = v.strip_prefix("key::") {
        return Some(SigningKey::Literal(lit.trim().to_string()));
    }
    if v.starts_with("ssh-") || v.starts_with("ecdsa-") {
        return Some(SigningKey::Literal(v.to_string()));
    }
    let path = match v.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(rest),
        None => PathBuf::from(v),
    };
    Some(SigningKey::File(path))
}

/// The refusal when a signed register has no signing key: what to set, and how.
pub fn no_key_error() -> Error {
    super::ready::NotReady::NoSigningKey.into()
}

/// The program git runs: `gpg.ssh.program`, else `ssh-keygen`.
fn program(repo: &Repository) -> String {
    repo.config()
        .ok()
        .and_then(|c| c.get_string("gpg.ssh.program").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "ssh-keygen".into())
}

/// Sign `data` with `key` through `ssh-keygen -Y sign -n git`; returns the armored signature.
pub fn sign(repo: &Repository, key: &SigningKey, data: &[u8]) -> Result<String> {
    let (path, literal_file) = match key {
        SigningKey::File(p) => (p.clone(), None),
        SigningKey::Literal(k) => {
            let mut f = tempfile_in_git(repo)?;
            writeln!(f.1, "{k}").map_err(|e| Error::io(&f.0, e))?;
            (f.0.clone(), Some(f.0))
        }
    };
    let mut cmd = Command::new(program(repo));
    cmd.args(["-Y", "sign", "-n", NAMESPACE, "-f"]).arg(&path);
    if literal_file.is_some() {
        cmd.arg("-U");
    }
    let child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let result = (|| {
        let mut child = child.map_err(|e| {
            Error::from(super::ready::NotReady::SigningFailed(format!(
                "could not run {} to sign ({e}); install OpenSSH's client (apt-get install openssh-client), or set gpg.ssh.program",
                program(repo)
            )))
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(data).map_err(|e| Error::io(&path, e))?;
        }
        let out = child.wait_with_output().map_err(|e| Error::io(&path, e))?;
        if !out.status.success() {
            return Err(super::ready::NotReady::SigningFailed(format!(
                "ssh-keygen could not sign with {}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
            .into());
        }
        let sig = String::from_utf8_lossy(&out.stdout).into_owned();
        if !sig.contains("-----BEGIN SSH SIGNATURE-----") {
            return Err(super::ready::NotReady::SigningFailed(
                "ssh-keygen printed no SSH signature".into(),
            )
            .into());
        }
        Ok(sig)
    })();
    if let Some(f) = literal_file {
        let _ = std::fs::remove_file(f);
    }
    result
}

fn tempfile_in_git(repo: &Repository) -> Result<(PathBuf, std::fs::File)> {
    let dir = repo.commondir().join("smout");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let p = dir.join(format!("signing-key-{}.pub", std::process::id()));
    let f = std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
    Ok((p, f))
}

/// A signature line as git writes it in objects: `Name <email> 1528800000 +0000`.
pub fn signature_line(s: &Signature<'_>) -> String {
    let when = s.when();
    let off = when.offset_minutes();
    let (sign, off) = if off < 0 { ('-', -off) } else { ('+', off) };
    format!(
        "{} <{}> {} {sign}{:02}{:02}",
        s.name().unwrap_or(""),
        s.email().unwrap_or(""),
        when.seconds(),
        off / 60,
        off % 60
    )
}

/// The bytes of an annotated tag object on a commit, as git writes it (message ends with a
/// newline; a signature, when there is one, is appended after it).
pub fn tag_buffer(target: Oid, name: &str, tagger: &Signature<'_>, message: &str) -> String {
    let mut msg = message.to_string();
    if !msg.ends_with('\n') {
        msg.push('\n');
    }
    format!(
        "object {target}\ntype commit\ntag {name}\ntagger {}\n\n{msg}",
        signature_line(tagger)
    )
}

/// Split a tag object into the signed bytes and its SSH signature, if it has one.
pub fn split_tag(raw: &[u8]) -> Option<(&[u8], &str)> {
    let marker = b"-----BEGIN SSH SIGNATURE-----";
    let at = raw.windows(marker.len()).rposition(|w| w == marker)?;
    let sig = std::str::from_utf8(&raw[at..]).ok()?;
    Some((&raw[..at], sig))
}

/// A verified signature: who signed (their key and its SHA-256 fingerprint).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Signer {
    /// The signing key, `ssh-ed25519 AAAA…` (no comment).
    pub key: String,
    /// `SHA256:…`.
    pub fingerprint: String,
}

/// Verify an armored SSH signature over `data` in git's namespace; returns the signer.
pub fn verify(data: &[u8], armored: &str) -> std::result::Result<Signer, String> {
    let sig = SshSig::from_pem(armored.trim()).map_err(|e| format!("unreadable signature: {e}"))?;
    if sig.namespace() != NAMESPACE {
        return Err(format!(
            "signed in namespace `{}`, not `{NAMESPACE}`",
            sig.namespace()
        ));
    }
    let key = PublicKey::new(sig.public_key().clone(), "");
    key.verify(NAMESPACE, data, &sig)
        .map_err(|_| "the signature does not match the signed object".to_string())?;
    Ok(Signer {
        key: key.to_openssh().unwrap_or_default().trim().to_string(),
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
    })
}

/// Parse a public key as `[roles]` lists it; returns it without its comment, and its
/// fingerprint.
pub fn parse_public(s: &str) -> std::result::Result<Signer, String> {
    let key = PublicKey::from_openssh(s.trim())
        .map_err(|e| format!("`{}` is not an SSH public key ({e})", short_key(s)))?;
    let algo = key.algorithm();
    let ok = matches!(
        algo,
        ssh_key::Algorithm::Ed25519
            | ssh_key::Algorithm::Ecdsa { .. }
            | ssh_key::Algorithm::Rsa { .. }
    );
    if !ok {
        return Err(format!(
            "{} keys are not accepted: use ed25519, ecdsa-sha2-nistp256/384 or rsa",
            algo.as_str()
        ));
    }
    let bare = PublicKey::new(key.key_data().clone(), "");
    Ok(Signer {
        key: bare.to_openssh().unwrap_or_default().trim().to_string(),
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
    })
}

fn short_key(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}
