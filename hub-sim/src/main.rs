use std::io::Write;

fn main() {
    let config = match hazy_hub_sim::Config::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = runtime.block_on(hazy_hub_sim::run(config)) {
        eprintln!("hazy-hub-sim: {e}");
        let _ = std::io::stderr().flush();
        std::process::exit(1);
    }
}
