use super::*;

#[test]
fn module_spans_map_back_to_files() {
    let a = "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"x\"\n}\n";
    let b = "resource \"aws_s3_bucket_versioning\" \"a\" {\n  bucket = aws_s3_bucket.a.id\n  versioning_configuration {\n    status = \"Suspended\"\n  }\n}\n";
    let m = Module::build(&[("main.tf", a), ("versioning.tf", b)]);
    let bucket = &m.model.buckets[0];
    let (_, status_alt) = bucket.versioning.values().next().unwrap();
    assert!(status_alt.is_always());
    let v = bucket.versioning.values().next().unwrap().0;
    let status = v.status.values().next().unwrap().0;
    let (file, local) = m.locate(status.span).unwrap();
    assert_eq!(file, 1);
    assert_eq!(&b[local.start..local.end], "\"Suspended\"");
    let (file, local) = m.locate(bucket.res.id_span).unwrap();
    assert_eq!(file, 0);
    assert_eq!(
        &a[local.start..local.end],
        "resource \"aws_s3_bucket\" \"a\""
    );
}

#[test]
fn unresolved_target_silences_missing_settings() {
    let a = "resource \"aws_s3_bucket\" \"a\" {}\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = module.x.id\n}\n";
    let m = Module::build(&[("main.tf", a)]);
    assert!(m.model.buckets[0].versioning.absent_when().is_none());
}

#[test]
fn override_files_by_name() {
    for yes in [
        "override.tf",
        "dir/main_override.tf",
        "OVERRIDE.TF.JSON",
        "x_override.tf.json",
    ] {
        assert!(is_override(yes), "{yes}");
    }
    for no in [
        "main.tf",
        "overrides.tf",
        "override_main.tf",
        "my-override.tf",
    ] {
        assert!(!is_override(no), "{no}");
    }
}

#[test]
fn a_repeated_address_is_reported_where_terraform_meets_it_second() {
    let b = "resource \"aws_s3_bucket\" \"s\" {}\noutput \"o\" {\n  value = 1\n}\nlocals {\n  l = 1\n}\n";
    let a = "resource \"aws_s3_bucket\" \"s\" {}\nlocals {\n  l = 2\n  m = 3\n}\ndata \"aws_iam_policy_document\" \"p\" {}\n";
    let c = "module \"m\" {\n  source = \"./m\"\n}\noutput \"o\" {\n  value = 2\n}\n";
    // Given out of order: Terraform reads a.tf before b.tf.
    let m = Module::build(&[("b.tf", b), ("a.tf", a), ("c.tf", c)]);
    let found: Vec<(usize, String)> = declaration_errors(&m.files)
        .into_iter()
        .map(|(i, e)| {
            let f = &m.files[i];
            let local = &[b, a, c][i][e.span.start - f.base..e.span.end - f.base];
            (i, format!("{local} | {}", e.message))
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                0,
                "resource \"aws_s3_bucket\" \"s\" | duplicate resource `aws_s3_bucket.s` (first declared in a.tf); Terraform refuses a module that declares it twice".to_string()
            ),
            (
                0,
                "l | duplicate local value `local.l` (first declared in a.tf); Terraform refuses a module that declares it twice".to_string()
            ),
            (
                2,
                "output \"o\" | duplicate output `output.o` (first declared in b.tf); Terraform refuses a module that declares it twice".to_string()
            ),
        ]
    );
    // Different types, or a data source and a resource of one name, are
    // different addresses.
    let d = "resource \"aws_s3_bucket\" \"x\" {}\nresource \"aws_s3_bucket_policy\" \"x\" {}\ndata \"aws_s3_bucket\" \"x\" {}\nvariable \"x\" {}\n";
    assert!(declaration_errors(&Module::build(&[("d.tf", d)]).files).is_empty());
}

#[test]
fn a_block_with_the_wrong_number_of_labels_is_refused() {
    let text = "resource \"aws_s3_bucket\" {}\nresource \"aws_s3_bucket_policy\" \"p\" \"extra\" {}\nvariable {}\nlocals \"x\" {}\nprovider \"aws\" {}\nterraform {}\n";
    let m = Module::build(&[("main.tf", text)]);
    let found: Vec<String> = declaration_errors(&m.files)
        .into_iter()
        .map(|(_, e)| format!("{} | {}", &text[e.span.start..e.span.end], e.message))
        .collect();
    assert_eq!(
        found,
        vec![
            "resource \"aws_s3_bucket\" | a `resource` block takes two labels (type and name), this one has 1",
            "resource \"aws_s3_bucket_policy\" \"p\" \"extra\" | a `resource` block takes two labels (type and name), this one has 3",
            "variable | a `variable` block takes one label (its name), this one has 0",
            "locals \"x\" | a `locals` block takes no labels, this one has 1",
        ]
    );
}
