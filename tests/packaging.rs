//! What the Debian package installs, checked in-process: the manual pages and shell
//! completions made from the clap definitions, the systemd units, and that every file the
//! package metadata names from the repository exists.

use std::path::Path;

use clap_complete::Shell;
use guantong::cli::generate::{completion, man_pages};

#[test]
fn man_pages_cover_every_visible_command() {
    let pages = man_pages().unwrap();
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "guantong.1",
        "guantong-sync.1",
        "guantong-report.1",
        "guantong-server.1",
        "guantong-server-init.1",
        "guantong-server-add-office.1",
        "guantong-cases.1",
        "guantong-cases-list.1",
        "guantong-cases-verify.1",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let page =
        |n: &str| String::from_utf8(pages.iter().find(|(p, _)| p == n).unwrap().1.clone()).unwrap();
    let main = page("guantong.1");
    assert!(main.starts_with(".ie") || main.contains(".TH"), "{main}");
    assert!(
        main.contains("guantong\\-sync") || main.contains("sync"),
        "{main}"
    );
    let sync = page("guantong-sync.1");
    assert!(sync.contains(".TH guantong-sync 1"), "{sync}");
    assert!(
        sync.contains("\\-\\-batch") && sync.contains("\\-\\-server"),
        "{sync}"
    );
    let list = page("guantong-cases-list.1");
    assert!(
        list.contains("\\-\\-bureau") && list.contains("\\-\\-unmasked"),
        "{list}"
    );
}

#[test]
fn completions_know_the_subcommands_and_their_options() {
    for (shell, marker) in [
        (Shell::Bash, "complete -F"),
        (Shell::Zsh, "#compdef guantong"),
        (Shell::Fish, "complete -c guantong"),
    ] {
        let s = String::from_utf8(completion(shell)).unwrap();
        assert!(s.contains(marker), "{shell}: {s}");
        for word in [
            "sync",
            "report",
            "server",
            "bureau",
            "month",
            "add-office",
            "unmasked",
        ] {
            assert!(s.contains(word), "{shell} lacks {word}");
        }
    }
}

#[test]
fn the_package_metadata_names_files_that_exist_and_units_that_run_sync() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let assets = cargo["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .unwrap();
    for a in assets {
        let src = a[0].as_str().unwrap();
        // target/ is made by packaging/build-deb
        if !src.starts_with("target/") {
            assert!(
                root.join(src).exists(),
                "{src} named in Cargo.toml is missing"
            );
        }
    }
    let service =
        std::fs::read_to_string(root.join("packaging/systemd/guantong-sync.service")).unwrap();
    assert!(service.contains("ExecStart=/usr/bin/guantong sync"));
    assert!(service.contains("EnvironmentFile=/etc/guantong/sync.env"));
    assert!(!service.to_lowercase().contains("password="));
    let timer =
        std::fs::read_to_string(root.join("packaging/systemd/guantong-sync.timer")).unwrap();
    assert!(timer.contains("OnUnitActiveSec=") && timer.contains("WantedBy=timers.target"));
    // the example config parses as guantong reads it, and holds no password
    let example = root.join("packaging/config.toml.example");
    let c = guantong::config::Config::load_from(&example).unwrap();
    assert!(c.server.is_some() && c.id_hash_key.is_some());
    let env = std::fs::read_to_string(root.join("packaging/sync.env.example")).unwrap();
    let url = env
        .lines()
        .find_map(|l| l.strip_prefix("GUANTONG_SERVER="))
        .unwrap()
        .trim_matches('"');
    guantong::server::ServerUrl::parse(url, "x").unwrap();
    let build = std::fs::read_to_string(root.join("packaging/build-deb")).unwrap();
    assert!(build.contains("cargo deb --locked --no-build"));
}
