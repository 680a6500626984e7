// Imported by `iamgen import` from account 081278057606: the stack iamgen.

use iamgen::stack::{InlinePolicy, Stack, StackError};
use iamgen::{AccountId, PolicyDocument, policy};

/// The policy StuzioConsultantBoundary, as it is in account 081278057606.
#[must_use]
pub fn stuzio_consultant_boundary() -> PolicyDocument {
    policy!(identity {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "OnlyProjectX",
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
          "Sid": "OnlyProjectXKey",
          "Effect": "Allow",
          "Action": [
            "kms:Decrypt",
            "kms:GenerateDataKey"
          ],
          "Resource": "arn:aws:kms:us-east-1:081278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        }
      ]
    }).document()
}

/// The policy StuzioProjectXPolicy, as it is in account 081278057606.
#[must_use]
pub fn stuzio_project_x_policy() -> PolicyDocument {
    policy!(identity {
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
        },
        {
          "Sid": "UseProjectXKey",
          "Effect": "Allow",
          "Action": [
            "kms:Decrypt",
            "kms:GenerateDataKey"
          ],
          "Resource": "arn:aws:kms:us-east-1:081278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        }
      ]
    }).document()
}

/// The trust policy of role StuzioAcmeConsultantRole, as it is in account 081278057606.
#[must_use]
pub fn stuzio_acme_consultant_role_trust() -> PolicyDocument {
    policy!(trust {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "AWS": [
              "arn:aws:iam::183438944504:user/Troy",
              "arn:aws:iam::183438944504:user/Dana"
            ]
          },
          "Action": "sts:AssumeRole",
          "Condition": {
            "StringEquals": {
              "sts:ExternalId": "stuzio-acme-projectx"
            },
            "Bool": {
              "aws:MultiFactorAuthPresent": "true"
            }
          }
        }
      ]
    }).document()
}

/// The inline policy DenyDeletingTheBucket of role StuzioAcmeConsultantRole, as it is in account 081278057606.
#[must_use]
pub fn stuzio_acme_consultant_role_inline_deny_deleting_the_bucket() -> PolicyDocument {
    policy!(identity {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Deny",
          "Action": "s3:DeleteBucket",
          "Resource": "arn:aws:s3:::com.stuzio.projectx"
        }
      ]
    }).document()
}

/// The stack iamgen of account 081278057606: 1 role, 0 users and 2 policies.
pub fn stack() -> Result<Stack, StackError> {
    let mut stack = Stack::new();
    stack.set_name("iamgen")?;
    let account = stack.add_account(
        AccountId::parse("081278057606").unwrap_or_else(|_| unreachable!("read from IAM")),
        "account-081278057606",
    );
    let stuzio_consultant_boundary = stack.add_policy(account, "StuzioConsultantBoundary", stuzio_consultant_boundary())?;
    let stuzio_project_x_policy = stack.add_policy(account, "StuzioProjectXPolicy", stuzio_project_x_policy())?;
    let role = stack.add_role(account, "StuzioAcmeConsultantRole", stuzio_acme_consultant_role_trust())?;
    stack.set_role_description(role, "Acme consultants working on project X")?;
    stack.set_max_session_duration(role, 7200)?;
    stack.add_tag(role, "owner", "stuzio-platform")?;
    stack.add_tag(role, "project", "x")?;
    stack.role_mut(role).permissions_boundary = Some(stuzio_consultant_boundary);
    stack.attach(role, stuzio_project_x_policy);
    stack.add_inline(
        role,
        InlinePolicy {
            name: "DenyDeletingTheBucket".to_owned(),
            document: stuzio_acme_consultant_role_inline_deny_deleting_the_bucket(),
        },
    )?;
    Ok(stack)
}
