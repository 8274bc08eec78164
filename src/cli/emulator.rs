//! `offsetdeck emulator`: run the emulator alone until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

use crate::emulator;

/// How the served world behaves where a user may choose.
#[derive(Debug, Clone, Copy)]
pub struct World {
    /// Enforce the published rate limits.
    pub limits: bool,
    pub newest_first: bool,
    /// Consumers commit and retention deletes ([`emulator::living`]).
    pub living: bool,
}

/// Runs the emulator; returns when signalled.
pub async fn run(
    listen: SocketAddr,
    (separate, large): (bool, bool),
    how: World,
    data: Option<PathBuf>,
    write_profile: Option<PathBuf>,
) -> anyhow::Result<()> {
    let text = match &data {
        Some(p) => crate::engine::files::read_text(p, 64 << 20, crate::engine::files::Links::Follow)?,
        None => emulator::data::DEMO.to_owned(),
    };
    let world = emulator::data::parse(&text, jiff::Timestamp::now().as_millisecond()).map_err(anyhow::Error::msg)?;
    let handle = if separate {
        emulator::spawn_separate(world, true).await.context("binding three loopback ports")?
    } else {
        emulator::spawn_with(world, listen, true).await.with_context(|| format!("binding {listen}"))?
    };
    if let Some(path) = &write_profile {
        let profile = emulator::write_profile_for(&handle.state().world, &handle.urls());
        write_private(path, &profile).with_context(|| format!("writing {}", path.display()))?;
        esay!("wrote a profile for the emulator to {}", path.display());
    }
    handle.set_rate_limits(how.limits);
    handle.set_quirks(emulator::Quirks { newest_first: how.newest_first });
    if !how.limits {
        esay!("the published rate limits are off: what this emulator allows, the clouds do not");
    }
    if large {
        emulator::large::add_to(&mut handle.state().world);
    }
    if how.living {
        emulator::living::demo(&mut handle.state().world, jiff::Timestamp::now().as_millisecond());
    }
    say!("{}", handle.announcement());
    wait_for_signal().await;
    esay!("emulator stopping");
    handle.shutdown();
    Ok(())
}

/// Writes a file only its owner can read: it holds the emulator's (fake) keys inline.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    std::io::Write::write_all(&mut opts.open(path)?, text.as_bytes())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let term = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term => {} }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
