//! `[[bucket]]` tables: buckets that exist already, the settings of those the stack creates (versioning,
//! default encryption, access logging) with their defaults, the pattern's buckets taking their settings from a
//! table, and every mistake as an error at its line and column.

use iamgen_runtime::names::BucketName;
use iamgen_runtime::stack::spec::{self, SpecError};
use iamgen_runtime::stack::{
    BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, KmsKey, Stack,
};

/// Two accounts (lines 1 to 7) and a bucket of Stuzio (lines 9 to 11); `settings` start on line 12.
fn with_bucket(settings: &str) -> String {
    format!(
        "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n\n[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n\n\
         [[bucket]]\nname = \"com.stuzio.data\"\naccount = \"Stuzio\"\n{settings}"
    )
}

const KEY: &str = "arn:aws:kms:eu-west-1:081278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn origin(settings: &str) -> BucketOrigin {
    let stack = spec::from_toml(&with_bucket(settings))
        .unwrap_or_else(|error| panic!("{settings}: {error}"));
    let (_, bucket) = stack.buckets().next().expect("the bucket");
    bucket.origin.clone()
}

fn fails(settings: &str) -> SpecError {
    match spec::from_toml(&with_bucket(settings)) {
        Ok(_) => panic!("accepted:\n{settings}"),
        Err(error) => error,
    }
}

/// Every error's code, `line:column` and message, in source order.
fn errors(error: &SpecError) -> Vec<(&'static str, String, String)> {
    error
        .diagnostics()
        .iter()
        .zip(error.positions())
        .map(|(d, at)| (d.code, at.to_string(), d.message.clone()))
        .collect()
}

fn one(settings: &str) -> (&'static str, String, String) {
    let error = fails(settings);
    let all = errors(&error);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().expect("one error")
}

fn name(text: &str) -> BucketName {
    BucketName::new(text).expect("a bucket name")
}

#[test]
fn a_bucket_is_created_versioned_and_encrypted_with_sse_s3_by_default() {
    assert_eq!(origin(""), BucketOrigin::Created(BucketSettings::default()));
    assert_eq!(
        origin(""),
        BucketOrigin::Created(BucketSettings {
            versioning: true,
            encryption: BucketEncryption::SseS3,
            logging: None,
        })
    );
    assert_eq!(origin("existing = true\n"), BucketOrigin::Existing);
    assert_eq!(
        origin("existing = false\nversioning = false\nencryption = \"sse-s3\"\n"),
        BucketOrigin::Created(BucketSettings {
            versioning: false,
            ..BucketSettings::default()
        })
    );
}

#[test]
fn kms_encryption_takes_a_key_or_the_aws_managed_one() {
    let kms = |key: Option<&str>| {
        BucketOrigin::Created(BucketSettings {
            encryption: BucketEncryption::Kms {
                key: key.map(|key| KmsKey::new(key).expect("a key")),
            },
            ..BucketSettings::default()
        })
    };
    assert_eq!(origin("encryption = \"sse-kms\"\n"), kms(None));
    // A key implies SSE-KMS.
    assert_eq!(origin(&format!("kms_key = \"{KEY}\"\n")), kms(Some(KEY)));
    assert_eq!(
        origin(&format!("encryption = \"sse-kms\"\nkms_key = \"{KEY}\"\n")),
        kms(Some(KEY))
    );
    assert_eq!(
        origin("kms_key = \"alias/projectx\"\n"),
        kms(Some("alias/projectx"))
    );
}

#[test]
fn logging_goes_under_the_buckets_name_unless_a_prefix_is_given() {
    let logging = |prefix: &str| {
        BucketOrigin::Created(BucketSettings {
            logging: Some(BucketLogging {
                target: name("com.stuzio.logs"),
                prefix: iamgen_runtime::stack::LogPrefix::new(prefix).expect("a prefix"),
            }),
            ..BucketSettings::default()
        })
    };
    assert_eq!(
        origin("logging = { bucket = \"com.stuzio.logs\" }\n"),
        logging("com.stuzio.data/")
    );
    assert_eq!(
        origin("logging = { bucket = \"com.stuzio.logs\", prefix = \"s3/data/\" }\n"),
        logging("s3/data/")
    );
    // A table of its own works as well as an inline one.
    assert_eq!(
        origin("\n[bucket.logging]\nbucket = \"com.stuzio.logs\"\nprefix = \"\"\n"),
        logging("")
    );
    // A target the stack declares in the same account is fine.
    let stack = spec::from_toml(&format!(
        "{}\n[[bucket]]\nname = \"com.stuzio.logs\"\naccount = \"Stuzio\"\nexisting = true\n",
        with_bucket("logging = { bucket = \"com.stuzio.logs\" }\n")
    ))
    .expect("a valid spec");
    assert_eq!(stack.buckets().len(), 2);
}

#[test]
fn settings_of_an_existing_bucket_are_errors_at_each_setting() {
    let error = fails(
        "existing = true\nversioning = true\nencryption = \"sse-kms\"\nlogging = { bucket = \"com.stuzio.logs\" }\n",
    );
    assert_eq!(
        errors(&error),
        [
            (
                "CONFLICTING_KEYS",
                "13:14".to_owned(),
                "`versioning` is a setting of a bucket the stack creates, and `com.stuzio.data` exists already"
                    .to_owned()
            ),
            (
                "CONFLICTING_KEYS",
                "14:14".to_owned(),
                "`encryption` is a setting of a bucket the stack creates, and `com.stuzio.data` exists already"
                    .to_owned()
            ),
            (
                "CONFLICTING_KEYS",
                "15:11".to_owned(),
                "`logging` is a setting of a bucket the stack creates, and `com.stuzio.data` exists already"
                    .to_owned()
            ),
        ]
    );
    let first = &error.diagnostics()[0];
    assert_eq!(first.labels[0].1, "declared existing here");
    assert!(
        first
            .help
            .as_deref()
            .is_some_and(|help| help.contains("remove `versioning`")),
        "{first:?}"
    );
    let (code, at, _) = one(&format!("existing = true\nkms_key = \"{KEY}\"\n"));
    assert_eq!((code, at.as_str()), ("CONFLICTING_KEYS", "13:11"));
}

#[test]
fn an_unknown_encryption_is_an_error_with_a_did_you_mean() {
    for (written, suggested) in [
        ("sse-s4", Some("sse-s3")),
        ("SSE-KMS", Some("sse-kms")),
        ("AES256", Some("sse-s3")),
        ("aws:kms", Some("sse-kms")),
        ("none", None),
    ] {
        let error = fails(&format!("encryption = \"{written}\"\n"));
        assert_eq!(
            errors(&error),
            [(
                "INVALID_BUCKET_SETTING",
                "12:14".to_owned(),
                format!("`{written}` is not a default encryption of a bucket")
            )]
        );
        let diagnostic = &error.diagnostics()[0];
        assert_eq!(diagnostic.suggestion.as_deref(), suggested, "{written}");
        if suggested.is_none() {
            assert!(
                error.help().is_some_and(
                    |help| help.contains("`\"sse-s3\"` (keys S3 manages, the default)")
                ),
                "{error:?}"
            );
        }
    }
}

#[test]
fn every_mistake_of_a_bucket_is_reported_at_once() {
    let error = fails(&format!(
        "encryption = \"sse-s4\"\nkms_key = \"{}\"\nlogging = {{ bucket = \"com.stuzio.data\" }}\n",
        KEY.replace("081278057606", "81278057606")
    ));
    let codes: Vec<(&str, String)> = errors(&error)
        .into_iter()
        .map(|(code, at, _)| (code, at))
        .collect();
    assert_eq!(
        codes,
        [
            ("INVALID_BUCKET_SETTING", "12:14".to_owned()),
            ("INVALID_KMS_KEY", "13:34".to_owned()),
            ("INVALID_BUCKET_SETTING", "14:22".to_owned()),
        ]
    );
}

#[test]
fn a_kms_key_with_sse_s3_conflicts() {
    let error = fails(&format!("encryption = \"sse-s3\"\nkms_key = \"{KEY}\"\n"));
    assert_eq!(
        errors(&error),
        [(
            "CONFLICTING_KEYS",
            "13:11".to_owned(),
            "`kms_key` is the key of `\"sse-kms\"` encryption, and the encryption is `\"sse-s3\"`"
                .to_owned()
        )]
    );
    assert_eq!(error.diagnostics()[0].labels[0].1, "SSE-S3 here");
}

#[test]
fn a_malformed_kms_key_is_an_error_at_the_wrong_part() {
    // `kms_key = "` is 11 characters: the key's text starts at column 12.
    let key_at = |part: &str, key: &str| format!("13:{}", 12 + key.find(part).expect("the part"));
    let cases = [
        (
            KEY.replace("081278057606", "81278057606"),
            "81278057606",
            "the account `81278057606` of the KMS key ARN is not an account id",
        ),
        (
            KEY.replace("eu-west-1", "europe"),
            "europe",
            "the region `europe` of the KMS key ARN is not a region",
        ),
        (
            KEY.replace(":kms:", ":s3:"),
            "s3",
            "`s3` is not `kms`: the ARN names no KMS key",
        ),
        (
            KEY.replace(":aws:", ":aws-eu:"),
            "aws-eu",
            "`aws-eu` is not an AWS partition",
        ),
        (
            KEY.replace("1234abcd-12ab", "projectx"),
            "key/",
            "`key/projectx-34cd-56ef-1234567890ab` is neither `key/` and a key id nor `alias/` and an alias name",
        ),
    ];
    for (key, part, message) in cases {
        let error = fails(&format!("encryption = \"sse-kms\"\nkms_key = \"{key}\"\n"));
        assert_eq!(
            errors(&error),
            [("INVALID_KMS_KEY", key_at(part, &key), message.to_owned())],
            "{key}"
        );
        assert!(error.help().is_some(), "{key}");
    }
    let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
    let error = fails(&format!("kms_key = \"{id}\"\n"));
    assert_eq!(
        errors(&error),
        [(
            "INVALID_KMS_KEY",
            "12:12".to_owned(),
            format!("`{id}` is a key id without its ARN")
        )]
    );
    assert!(
        error
            .help()
            .is_some_and(|help| help.contains("arn:aws:kms:REGION:ACCOUNT:key/ID")),
        "{error:?}"
    );
    // With an escape in the string, positions inside it shift: the error points at the whole string.
    let escaped = KEY
        .replace("081278057606", "81278057606")
        .replace("kms", "\\u006bms");
    let (code, at, _) = one(&format!("kms_key = \"{escaped}\"\n"));
    assert_eq!((code, at.as_str()), ("INVALID_KMS_KEY", "12:11"));
}

#[test]
fn logging_mistakes_are_errors_at_their_place() {
    assert_eq!(
        one("logging = { bucket = \"com.stuzio.data\" }\n"),
        (
            "INVALID_BUCKET_SETTING",
            "12:22".to_owned(),
            "bucket `com.stuzio.data` logs into itself".to_owned()
        )
    );
    assert_eq!(
        one("logging = { bucket = \"Com.Stuzio.Logs\" }\n").0,
        "INVALID_BUCKET_NAME"
    );
    assert_eq!(
        one("logging = { bucket = \"com.stuzio.logs\", prefix = \"a\\nb\" }\n"),
        (
            "INVALID_BUCKET_SETTING",
            "12:50".to_owned(),
            "the log prefix contains the control character U+000A".to_owned()
        )
    );
    // A target the stack declares in another account: S3 delivers logs within an account.
    let text = format!(
        "{}\n[[bucket]]\nname = \"com.acme.logs\"\naccount = \"Acme\"\nexisting = true\n",
        with_bucket("logging = { bucket = \"com.acme.logs\" }\n")
    );
    let error = spec::from_toml(&text).expect_err("a target in another account");
    assert_eq!(
        errors(&error),
        [(
            "INVALID_BUCKET_SETTING",
            "12:22".to_owned(),
            "bucket `com.stuzio.data` logs into `com.acme.logs`, a bucket of account `Acme`"
                .to_owned()
        )]
    );
    assert_eq!(error.diagnostics()[0].labels[0].1, "declared here");
}

#[test]
fn typos_and_wrong_types_are_errors_with_a_did_you_mean() {
    let error = fails("versoning = false\n");
    assert_eq!(
        (error.code(), error.position().to_string().as_str()),
        ("UNKNOWN_KEY", "12:1")
    );
    assert_eq!(error.help(), Some("did you mean `versioning`?"));
    let error = fails("kms-key = \"alias/x\"\n");
    assert_eq!(error.help(), Some("did you mean `kms_key`?"));
    let error = fails("logging = { buckt = \"com.stuzio.logs\" }\n");
    assert_eq!(error.code(), "UNKNOWN_KEY");
    assert_eq!(error.help(), Some("did you mean `bucket`?"));
    let error = fails("logging = { prefix = \"x/\" }\n");
    assert_eq!(
        (error.code(), error.message()),
        ("MISSING_KEY", "missing key `bucket`")
    );
    let error = fails("versioning = \"yes\"\n");
    assert_eq!(
        (error.code(), error.position().to_string().as_str()),
        ("INVALID_TYPE", "12:14")
    );
    assert_eq!(error.help(), Some("write `true` or `false`"));
}

/// The scenario's pattern, with `tables` after it.
fn pattern_with(tables: &str) -> Result<Stack, SpecError> {
    spec::from_toml(&format!(
        "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n\n[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n\n\
         [cross_account]\ntrusting = \"Stuzio\"\nbuckets = [\"com.stuzio.projectx\", \"com.stuzio.other\"]\n\
         role.name = \"R\"\n\n[[cross_account.trusted]]\naccount = \"Acme\"\nwhole_account = true\n{tables}"
    ))
}

#[test]
fn the_patterns_buckets_take_their_settings_from_their_tables() {
    let stack = pattern_with(
        "\n[[bucket]]\nname = \"com.stuzio.projectx\"\naccount = \"Stuzio\"\nexisting = true\n",
    )
    .expect("a valid spec");
    let origins: Vec<(&str, &BucketOrigin)> = stack
        .buckets()
        .map(|(_, b)| (b.name.as_str(), &b.origin))
        .collect();
    assert_eq!(
        origins,
        [
            ("com.stuzio.projectx", &BucketOrigin::Existing),
            (
                "com.stuzio.other",
                &BucketOrigin::Created(BucketSettings::default())
            ),
        ]
    );

    // The table must be the trusting account's.
    let error = pattern_with(
        "\n[[bucket]]\nname = \"com.stuzio.projectx\"\naccount = \"Acme\"\nexisting = true\n",
    )
    .expect_err("a bucket of another account");
    assert_eq!(
        errors(&error),
        [(
            "CONFLICTING_KEYS",
            "11:12".to_owned(),
            "bucket `com.stuzio.projectx` is declared in account `Acme`, but the pattern's buckets are the \
             trusting account's (`Stuzio`)"
                .to_owned()
        )]
    );

    // Two tables for one bucket, or one listed twice, are duplicates.
    let table = "\n[[bucket]]\nname = \"com.stuzio.projectx\"\naccount = \"Stuzio\"\n";
    let error = pattern_with(&format!("{table}{table}")).expect_err("two tables");
    assert_eq!(error.code(), "DUPLICATE_NAME");
    assert_eq!(error.position().to_string(), "23:8");
}
