//! One account's changes: the diffs of each kind of item, in order, pushed to one collector.

use super::context::{Changes, Context};
use super::{Change, bucket, group, policy, removed, role, user};
use crate::deploy::DeployError;
use crate::deploy::live::{Declared, LiveAccount};
use crate::stack::{AccountRef, Stack};

/// The changes of one account.
pub(super) fn diff_account(
    stack: &Stack,
    account_ref: AccountRef,
    declared: &Declared,
    live: &LiveAccount,
    stack_name: &str,
) -> Result<Vec<Change>, DeployError> {
    let context = Context::new(stack, account_ref, declared, live, stack_name);
    let mut out = Changes::new(context.account);
    bucket::diff(&context, &mut out)?;
    group::create(&context, &mut out);
    user::diff(&context, &mut out)?;
    role::diff(&context, &mut out);
    policy::diff(&context, &mut out);
    group::grants(&context, &mut out);
    removed::diff(&context, &mut out);
    Ok(out.list)
}
