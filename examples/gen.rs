//! Writes the generated benchmark inputs to a folder, for tools that read
//! files (the side-by-side comparison in `benches/side-by-side/`).
//!
//! `cargo run --release --example gen -- OUT`
//!
//! * `OUT/cfn-small/template.yaml`: `testgen::cfn_small(0)`, one bucket
//! * `OUT/cfn-250/template.yaml`: `testgen::cfn_yaml(250)`, ~5,300 lines
//! * `OUT/tf-5/*.tf`: `testgen::tf_split(5)`, a 5-bucket module
//! * `OUT/tf-250/*.tf`: `testgen::tf_split(250)`, a 250-bucket module
use bucketguard::testgen;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn write(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in files {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: gen OUT_DIR");
        return ExitCode::from(2);
    };
    let template = |text: String| vec![("template.yaml".to_string(), text)];
    let sets = [
        ("cfn-small", template(testgen::cfn_small(0))),
        ("cfn-250", template(testgen::cfn_yaml(250))),
        ("tf-5", testgen::tf_split(5)),
        ("tf-250", testgen::tf_split(250)),
    ];
    for (name, files) in &sets {
        if let Err(e) = write(&out.join(name), files) {
            eprintln!("{}: {e}", out.join(name).display());
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
