//! `distillguard demo`: placeholder until its issue lands (returns an error, never fakes output).

/// Not implemented yet.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<()> {
    Err(super::usage("'demo' is not implemented yet"))
}
