//! `suqiu` — one binary: serve, demo data, user accounts, configuration, checks, benchmarks.

use std::process::ExitCode;

use clap::Parser;
use suqiu::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::init_tracing(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // anyhow's alternate form prints the whole chain: what failed and why.
            eprintln!("错误：{e:#}");
            // A mistake in the command (exit 2, like clap's own usage errors) or a failure.
            if e.downcast_ref::<suqiu::backup::BadInput>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
