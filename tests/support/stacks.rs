//! The stacks whose generated output the tests check: the reference scenario, and a hardened variant of it
//! that uses every option of the cross-account pattern.

use std::path::{Path, PathBuf};

use iamgen::PolicyDocument;
use iamgen::names::BucketName;
use iamgen::render::{self, Rendered, Target, escape};
use iamgen::stack::cross_account::{
    AccountSpec, Assumers, BucketSpec, CrossAccount, RoleSpec, TrustedSpec,
};
use iamgen::stack::{
    BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, InlinePolicy, KmsKey, LogPrefix,
    PrincipalRef, Stack,
};

/// The bucket of both stacks.
pub const BUCKET: &str = "com.stuzio.projectx";

/// The permissions boundary of the hardened role: at most the project's objects and their listing, and no write
/// outside the session's own prefix or the shared one. `${aws:userid}` is an IAM policy variable, so every
/// target must carry it through literally (`$${` in HCL, `${!` in `Fn::Sub`).
const BOUNDARY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AtMostProjectX",
      "Effect": "Allow",
      "Action": [
        "s3:ListBucket",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject"
      ],
      "Resource": [
        "arn:aws:s3:::com.stuzio.projectx",
        "arn:aws:s3:::com.stuzio.projectx/*"
      ]
    },
    {
      "Sid": "WritesOnlyToOwnOrSharedPrefix",
      "Effect": "Deny",
      "Action": [
        "s3:PutObject",
        "s3:DeleteObject"
      ],
      "NotResource": [
        "arn:aws:s3:::com.stuzio.projectx/home/${aws:userid}/*",
        "arn:aws:s3:::com.stuzio.projectx/shared/*"
      ]
    }
  ]
}"#;

/// Least privilege on the project's bucket: list it, and read, write and delete its objects.
const PERMISSIONS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListProjectX",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::com.stuzio.projectx"
    },
    {
      "Sid": "ReadWriteProjectXObjects",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject"
      ],
      "Resource": "arn:aws:s3:::com.stuzio.projectx/*"
    }
  ]
}"#;

/// The reference scenario with a bucket the stack creates (versioned, SSE-S3), where the scenario's exists
/// already: for the tests of making a bucket.
#[must_use]
pub fn scenario_creating_its_bucket() -> Stack {
    let mut stack = Stack::reference_scenario();
    let bucket = stack.bucket_by_name(BUCKET).expect("the scenario's bucket");
    stack.bucket_mut(bucket).origin = BucketOrigin::default();
    stack
}

/// The policy `json`, which must read.
#[must_use]
pub fn document(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap_or_else(|error| panic!("a test policy: {error}"))
}

/// The reference scenario as a pattern.
#[must_use]
pub fn reference_pattern() -> CrossAccount {
    CrossAccount::reference_scenario()
}

/// The hardened variant: an `ExternalId`, MFA, a permissions boundary, two users that exist already through a
/// group (the stack creates no IAM users: checkov's `CKV_AWS_273` fails every `aws_iam_user`), the trust
/// narrowed to those users, least-privilege S3 permissions, a description, tags and a two-hour session.
#[must_use]
pub fn hardened_pattern() -> CrossAccount {
    let mut pattern = CrossAccount::reference_scenario();
    pattern.trusted = vec![TrustedSpec {
        account: AccountSpec {
            id: pattern.trusted[0].account.id.clone(),
            name: "Acme".to_owned(),
        },
        assumers: Assumers::Group {
            name: "AcmeConsultants".to_owned(),
            members: vec!["Troy".to_owned(), "Abed".to_owned()],
        },
        assume_policy_name: "AcmeClientAssumeRolePolicy".to_owned(),
        assume_sid: Some("StuzioClientAssumeRolePolicy".to_owned()),
        existing_users: true,
    }];
    pattern.role = RoleSpec {
        name: "StuzioAcmeConsultantRole".to_owned(),
        path: "/".to_owned(),
        description: Some(
            "Acme's consultants (\"Troy\" and Abed) on project X: objects of com.stuzio.projectx only"
                .to_owned(),
        ),
        max_session_duration: Some(7_200),
        permissions_boundary: Some((
            "StuzioConsultantBoundary".to_owned(),
            document(BOUNDARY),
        )),
        tags: vec![
            ("project".to_owned(), "projectx".to_owned()),
            ("client".to_owned(), "acme".to_owned()),
            ("owner:team".to_owned(), "data-platform".to_owned()),
        ],
    };
    pattern.permissions = vec![("StuzioProjectXPolicy".to_owned(), document(PERMISSIONS))];
    pattern.external_id = Some("stuzio-acme-projectx-4f1c".to_owned());
    pattern.require_mfa = true;
    pattern.narrow_to_principals = true;
    // The stack creates the bucket here: versioned, SSE-S3, logging into Stuzio's log bucket.
    let bucket = BucketName::new(BUCKET).expect("the bucket's name");
    let logs = BucketName::new("com.stuzio.logs").expect("a bucket name");
    pattern.buckets = vec![BucketSpec {
        name: BUCKET.to_owned(),
        origin: BucketOrigin::Created(BucketSettings {
            logging: Some(BucketLogging::into_bucket(logs, &bucket)),
            ..BucketSettings::default()
        }),
    }];
    pattern
}

/// The hardened variant with more buckets in Stuzio, one of each kind of setting: a log bucket that exists
/// already; an archive, unversioned, encrypted with the AWS managed KMS key and logging into the log bucket
/// under a prefix with `"`, `${` and `%{`; reports, encrypted with a KMS key and logging into the archive.
#[must_use]
pub fn with_bucket_settings() -> Stack {
    let mut stack = hardened_pattern()
        .build()
        .expect("the hardened variant builds");
    let stuzio = stack.accounts().next().expect("Stuzio").0;
    let name = |text: &str| BucketName::new(text).expect("a bucket name");
    stack
        .add_existing_bucket(stuzio, "com.stuzio.logs")
        .expect("a new bucket");
    let archive = stack
        .add_bucket(stuzio, "com.stuzio.archive")
        .expect("a new bucket");
    stack
        .set_bucket_origin(
            archive,
            BucketOrigin::Created(BucketSettings {
                versioning: false,
                encryption: BucketEncryption::Kms { key: None },
                logging: Some(BucketLogging {
                    target: name("com.stuzio.logs"),
                    prefix: LogPrefix::new("archive/\"${x}\"/%{y}/").expect("a prefix"),
                }),
            }),
        )
        .expect("valid settings");
    let reports = stack
        .add_bucket(stuzio, "com.stuzio.reports")
        .expect("a new bucket");
    stack
        .set_bucket_origin(
            reports,
            BucketOrigin::Created(BucketSettings {
                versioning: true,
                encryption: BucketEncryption::Kms {
                    key: Some(
                        KmsKey::new(
                            "arn:aws:kms:us-east-1:081278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        )
                        .expect("a key"),
                    ),
                },
                logging: Some(BucketLogging::into_bucket(
                    name("com.stuzio.archive"),
                    &name("com.stuzio.reports"),
                )),
            }),
        )
        .expect("valid settings");
    stack
}

/// A stack, built and rendered for every target into a temporary directory.
#[derive(Debug)]
pub struct Case {
    /// `reference` or `hardened`.
    pub name: &'static str,
    /// The model.
    pub stack: Stack,
    /// What the generator produced.
    pub rendered: Rendered,
    /// Where it was written (removed on drop).
    pub dir: tempfile::TempDir,
}

impl Case {
    /// Builds `pattern` and renders every target into a new temporary directory.
    #[must_use]
    pub fn new(name: &'static str, pattern: &CrossAccount) -> Case {
        let stack = pattern
            .build()
            .unwrap_or_else(|error| panic!("{name}: the pattern does not build: {error}"));
        Case::of_stack(name, stack)
    }

    /// Renders `stack` for every target into a new temporary directory.
    #[must_use]
    pub fn of_stack(name: &'static str, stack: Stack) -> Case {
        let rendered = render::render(&stack, &Target::ALL)
            .unwrap_or_else(|error| panic!("{name}: rendering failed: {error}"));
        // Not the default `.tmp` prefix: checkov skips hidden directories.
        let dir = tempfile::Builder::new()
            .prefix(&format!("iamgen-{name}-"))
            .tempdir()
            .expect("a temporary directory");
        rendered
            .write_to(dir.path())
            .expect("the output is written");
        Case {
            name,
            stack,
            rendered,
            dir,
        }
    }

    /// The reference scenario.
    #[must_use]
    pub fn reference() -> Case {
        Case::new("reference", &reference_pattern())
    }

    /// The hardened variant.
    #[must_use]
    pub fn hardened() -> Case {
        Case::new("hardened", &hardened_pattern())
    }

    /// Both.
    #[must_use]
    pub fn both() -> [Case; 2] {
        [Case::reference(), Case::hardened()]
    }

    /// Both, the hardened variant with inline policies on a role, a group and a user, and the one with a
    /// bucket of each kind of setting.
    #[must_use]
    pub fn all() -> [Case; 4] {
        let [reference, hardened] = Case::both();
        [
            reference,
            hardened,
            with_inline_policies().0,
            Case::of_stack("buckets", with_bucket_settings()),
        ]
    }

    /// The output directory.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The generated files whose relative path starts with `prefix` and ends with `suffix`, in path order.
    #[must_use]
    pub fn files(&self, prefix: &str, suffix: &str) -> Vec<(String, String)> {
        self.rendered
            .files()
            .iter()
            .filter(|(path, _)| path.starts_with(prefix) && path.ends_with(suffix))
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect()
    }

    /// Absolute paths of the generated files as [`Case::files`] selects them.
    #[must_use]
    pub fn paths(&self, prefix: &str, suffix: &str) -> Vec<PathBuf> {
        self.files(prefix, suffix)
            .into_iter()
            .map(|(path, _)| self.path().join(path))
            .collect()
    }

    /// The account whose template or Terraform file is named `alias` (the account's name in snake case).
    #[must_use]
    pub fn account_id_of_alias(&self, alias: &str) -> String {
        self.stack
            .accounts()
            .find(|(_, account)| escape::snake_name(&account.name) == alias)
            .map_or_else(
                || panic!("{}: no account has the alias `{alias}`", self.name),
                |(_, account)| account.id.as_str().to_owned(),
            )
    }
}

/// The hardened variant with an inline policy on the role, the group and a user (one with an IAM policy
/// variable and a bucket ARN, which the renderers rewrite), and the expected documents by
/// `(kind, owner, policy name)`.
#[must_use]
pub fn with_inline_policies() -> (
    Case,
    std::collections::BTreeMap<(String, String, String), serde_json::Value>,
) {
    let mut stack = hardened_pattern()
        .build()
        .expect("the hardened variant builds");
    let document = |sid: &str| {
        PolicyDocument::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::com.stuzio.projectx/home/${{aws:username}}/*"}}]}}"#
        ))
        .expect("a test policy")
    };
    let role = stack.roles().next().expect("a role").0;
    let group = stack.groups().next().expect("a group").0;
    let user = stack.users().next().expect("a user").0;
    let mut expected = std::collections::BTreeMap::new();
    for (kind, principal, owner) in [
        (
            "role",
            PrincipalRef::Role(role),
            stack.role(role).name.clone(),
        ),
        (
            "group",
            PrincipalRef::Group(group),
            stack.group(group).name.clone(),
        ),
        (
            "user",
            PrincipalRef::User(user),
            stack.user(user).name.clone(),
        ),
    ] {
        let policy = InlinePolicy {
            name: format!("Inline{kind}"),
            document: document(&format!("Own{kind}")),
        };
        expected.insert(
            (kind.to_owned(), owner, policy.name.clone()),
            serde_json::from_str(&policy.document.to_json()).expect("canonical JSON"),
        );
        stack
            .add_inline(principal, policy)
            .expect("a valid inline policy name");
    }
    (Case::of_stack("inline", stack), expected)
}
