//! The manual pages and shell completions, made from the clap definitions so they never
//! drift from the program. The Debian package's build runs `examples/packaging_assets.rs`
//! (see packaging/build-deb), which writes them; the tests call these in-process.

use clap::CommandFactory;
use clap_complete::Shell;

/// The command as clap knows it, named as installed.
fn command() -> clap::Command {
    super::Cli::command().bin_name("guantong")
}

/// Every manual page: (file name, roff text), the program's first, then each visible
/// subcommand's (`guantong-cases.1`, `guantong-cases-list.1`, …).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(
        cmd: clap::Command,
        prefix: &str,
        out: &mut Vec<(String, Vec<u8>)>,
    ) -> std::io::Result<()> {
        let name = if prefix.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{prefix}-{}", cmd.get_name())
        };
        let subs: Vec<clap::Command> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned()
            .collect();
        let page = clap_mangen::Man::new(cmd.clone().display_name(name.clone()))
            .manual("guantong")
            .source(format!("guantong {}", env!("CARGO_PKG_VERSION")));
        let mut buf = Vec::new();
        page.render(&mut buf)?;
        out.push((format!("{name}.1"), buf));
        for s in subs {
            walk(s, &name, out)?;
        }
        Ok(())
    }
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, "", &mut out)?;
    Ok(out)
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "guantong", &mut buf);
    buf
}
