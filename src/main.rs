use std::process::ExitCode;

// A run makes ~100 HTTP requests and as many small allocations per request; glibc's malloc
// spent a fifth of the CPU of a 50-deployment run (perf). mimalloc is several times cheaper here.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    use conncheck::diagnose::{exit_code_of_error, EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE};
    let cli = match conncheck::cli::parse() {
        Ok(c) => c,
        Err(e) => {
            // clap's whole text: the problem, its tips, the usage line.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    // One crypto provider for every rustls user in the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let env = conncheck::cli::Env::read();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("conncheck: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    // A panic is conncheck's own failure (exit 3), not a verdict on the deployment; the panic
    // hook has already printed what and where.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(conncheck::cmd::main(cli, env))
    }));
    // Don't wait for lingering connections or lab tasks.
    rt.shutdown_background();
    match result {
        Err(_) => {
            eprintln!("conncheck: internal error (a bug: please report it with the lines above)");
            ExitCode::from(EXIT_CANNOT_RUN)
        }
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            let msg = format!("{e:#}");
            eprintln!("conncheck: {}", msg.lines().next().unwrap_or("error"));
            ExitCode::from(exit_code_of_error(&e))
        }
    }
}
