//! `mangrove exchange replay FILE`: runs a JSON-lines file of orders and
//! cancels through the matching engine and prints fills, rejections and
//! the final book. The file is read here; the format and its rules are
//! `mangrove_exchange::replay`'s, which reads nothing itself.

use anyhow::{bail, Context as _};
use clap::Subcommand;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum ExchangeCommand {
    /// Replay orders and cancels (one JSON object a line) through the matching engine with unlimited
    /// balances and a tick of 1 satang; print one JSON line per fill and per rejection, then the book.
    Replay {
        /// The orders file, or - for standard input.
        file: PathBuf,
    },
}

pub fn run(command: &ExchangeCommand) -> anyhow::Result<()> {
    match command {
        ExchangeCommand::Replay { file } => replay(file),
    }
}

fn replay(file: &Path) -> anyhow::Result<()> {
    let (input, name) = if file == Path::new("-") {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input).context("reading standard input")?;
        (input, "standard input".to_string())
    } else {
        let input = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        (input, file.display().to_string())
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    match mangrove_exchange::replay::replay(&input, &mut out) {
        Ok(_) => Ok(out.flush().context("writing the output")?),
        Err(mangrove_exchange::replay::ReplayError::Line(error)) => bail!("{name}: {error}"),
        Err(error) => Err(error.into()),
    }
}
