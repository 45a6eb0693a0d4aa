//! Write the manual pages (`DIR/man/*.1`) and shell completions (`DIR/completions/`) for
//! the Debian package: `cargo run --release --example packaging_assets -- target/packaging`
//! (packaging/build-deb does).

use std::path::PathBuf;

use clap_complete::Shell;
use guantong::cli::generate::{completion, man_pages};

fn main() -> std::io::Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/packaging"));
    std::fs::create_dir_all(out.join("man"))?;
    std::fs::create_dir_all(out.join("completions"))?;
    for (name, text) in man_pages()? {
        std::fs::write(out.join("man").join(name), text)?;
    }
    for (shell, file) in [
        (Shell::Bash, "guantong.bash"),
        (Shell::Zsh, "_guantong"),
        (Shell::Fish, "guantong.fish"),
    ] {
        std::fs::write(out.join("completions").join(file), completion(shell))?;
    }
    println!("wrote {}", out.display());
    Ok(())
}
