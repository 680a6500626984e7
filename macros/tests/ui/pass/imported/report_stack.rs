// Imported by `iamgen import` from account 081278057606: the stack iamgen.

use iamgen::stack::{InlinePolicy, Stack, StackError};
use iamgen::{AccountId, PolicyDocument, policy};

/// The policy ReadReports, as it is in account 081278057606.
#[must_use]
pub fn read_reports() -> PolicyDocument {
    policy!(identity {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::reports/*"
        }
      ]
    }).document()
}

/// The trust policy of role ReportAdmin, as it is in account 081278057606.
#[must_use]
pub fn report_admin_trust() -> PolicyDocument {
    policy!(trust {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": "ecs-tasks.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }).document()
}

/// The trust policy of role ReportReader, as it is in account 081278057606.
#[must_use]
pub fn report_reader_trust() -> PolicyDocument {
    policy!(trust {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": "ec2.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }).document()
}

/// The trust policy of role ReportWriter, as it is in account 081278057606.
#[must_use]
pub fn report_writer_trust() -> PolicyDocument {
    policy!(trust {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": "lambda.amazonaws.com"
          },
          "Action": "sts:AssumeRole"
        }
      ]
    }).document()
}

/// The inline policy Write of role ReportWriter, as it is in account 081278057606.
#[must_use]
pub fn report_writer_inline_write() -> PolicyDocument {
    policy!(identity {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "s3:PutObject",
          "Resource": "arn:aws:s3:::reports/*"
        }
      ]
    }).document()
}

/// The stack iamgen of account 081278057606: 3 roles, 1 user and 1 policy.
pub fn stack() -> Result<Stack, StackError> {
    let mut stack = Stack::new();
    stack.set_name("iamgen")?;
    let account = stack.add_account(
        AccountId::parse("081278057606").unwrap_or_else(|_| unreachable!("read from IAM")),
        "account-081278057606",
    );
    let read_reports = stack.add_policy(account, "ReadReports", read_reports())?;
    let user = stack.add_user(account, "Auditor")?;
    stack.attach(user, read_reports);
    let role = stack.add_role(account, "ReportAdmin", report_admin_trust())?;
    stack.set_max_session_duration(role, 7200)?;
    let role = stack.add_role(account, "ReportReader", report_reader_trust())?;
    stack.attach(role, read_reports);
    let role = stack.add_role(account, "ReportWriter", report_writer_trust())?;
    stack.add_tag(role, "team", "reports")?;
    stack.add_inline(
        role,
        InlinePolicy {
            name: "Write".to_owned(),
            document: report_writer_inline_write(),
        },
    )?;
    Ok(stack)
}
