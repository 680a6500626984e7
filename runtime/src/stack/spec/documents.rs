//! The policy documents of a spec: given inline (`document = '''...'''`) or as a file (`file = "x.json"`),
//! with their errors located in the spec or in the file.

use toml::Spanned;

use super::check::{DeclaredPolicy, Kind, Reader};
use super::error::PolicyFileError;
use super::raw::{RawInline, RawPolicy, RawRole, Text, span};
use super::toml_errors::content_offset;
use crate::codes;
use crate::names::{self, InlinePolicyName};
use crate::policy::PolicyDocument;
use crate::source::Span;

impl Reader<'_> {
    pub(super) fn declare_policy(&mut self, policy: &Spanned<RawPolicy>) -> Option<DeclaredPolicy> {
        let raw = policy.get_ref();
        let account = self.account(&raw.account);
        let declared =
            account.is_some_and(|account| self.declare(Kind::Policy, Some(account), &raw.name));
        self.check_policy_path(raw.path.as_ref());
        self.check_policy_description(raw.description.as_ref());
        let document = self.document(
            span(policy),
            &format!("policy `{}`", raw.name.get_ref()),
            raw.document.as_ref(),
            raw.file.as_ref(),
            ("document", "file"),
        );
        let account = account.filter(|_| declared)?;
        Some(DeclaredPolicy {
            name: raw.name.get_ref().clone(),
            account,
            document,
        })
    }

    pub(super) fn declare_role(&mut self, role: &Spanned<RawRole>) -> Option<PolicyDocument> {
        let raw = role.get_ref();
        if let Some(account) = self.account(&raw.account) {
            self.declare(Kind::Role, Some(account), &raw.name);
        }
        self.check_path(raw.path.as_ref());
        self.check_description(raw.description.as_ref());
        self.check_session(raw.max_session_duration.as_ref());
        self.check_tags(&raw.tags);
        self.document(
            span(role),
            &format!("role `{}`", raw.name.get_ref()),
            raw.trust.as_ref(),
            raw.trust_file.as_ref(),
            ("trust", "trust_file"),
        )
    }

    pub(super) fn inline(
        &mut self,
        policies: &[Spanned<RawInline>],
    ) -> Vec<Option<PolicyDocument>> {
        let mut seen: Vec<(&str, Span)> = Vec::new();
        let mut documents = Vec::new();
        for policy in policies {
            let raw = policy.get_ref();
            let name = raw.name.get_ref().as_str();
            if self.accept(codes::INVALID_NAME.name, &raw.name, InlinePolicyName::check) {
                if let Some((_, first)) = seen
                    .iter()
                    .find(|(seen, _)| names::same_iam_name(seen, name))
                {
                    self.error(
                        codes::DUPLICATE_NAME.name,
                        format!("inline policy `{name}` is declared twice"),
                        span(&raw.name),
                        "inline policy names are unique within their user, group or role",
                    )
                    .labels
                    .push((*first, "first declared here".to_owned()));
                }
                seen.push((name, span(&raw.name)));
            }
            documents.push(self.document(
                span(policy),
                &format!("inline policy `{name}`"),
                raw.document.as_ref(),
                raw.file.as_ref(),
                ("document", "file"),
            ));
        }
        documents
    }

    /// A policy document given inline or as a file (exactly one of the two keys).
    pub(super) fn document(
        &mut self,
        owner: Span,
        what: &str,
        inline: Option<&Text>,
        file: Option<&Text>,
        keys: (&str, &str),
    ) -> Option<PolicyDocument> {
        match (inline, file) {
            (Some(inline), None) => self.inline_document(inline),
            (None, Some(file)) => self.file_document(file),
            (Some(_), Some(file)) => {
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    format!("{what} has both `{}` and `{}`", keys.0, keys.1),
                    span(file),
                    format!(
                        "keep one: the document inline in `{}`, or a JSON file in `{}`",
                        keys.0, keys.1
                    ),
                );
                None
            }
            (None, None) => {
                self.error(
                    codes::MISSING_KEY.name,
                    format!("{what} has no document"),
                    owner,
                    format!(
                        "add `{} = '''{{ ... }}'''` with the JSON inline, or `{} = \"policies/NAME.json\"`",
                        keys.0, keys.1
                    ),
                );
                None
            }
        }
    }

    pub(super) fn inline_document(&mut self, text: &Text) -> Option<PolicyDocument> {
        let value = text.get_ref();
        let error = match PolicyDocument::from_json(value) {
            Ok(document) => return Some(document),
            Err(error) => error,
        };
        if let Some(offset) = content_offset(self.source, text.span(), value) {
            // The source holds the document verbatim: each position in it is a position in the spec.
            let shift = |at: Span| Span::new(at.start as usize + offset, at.end as usize + offset);
            for diagnostic in error.diagnostics() {
                let mut diagnostic = diagnostic.clone();
                diagnostic.span = shift(diagnostic.span);
                for (at, _) in &mut diagnostic.labels {
                    *at = shift(*at);
                }
                self.errors.push(diagnostic);
            }
        } else {
            for (diagnostic, at) in error.diagnostics().iter().zip(error.positions()) {
                let mut diagnostic = diagnostic.clone();
                diagnostic.message = format!(
                    "{} (line {}, column {} of the document)",
                    diagnostic.message, at.line, at.column
                );
                diagnostic.span = span(text);
                diagnostic.labels.clear();
                let help = diagnostic
                    .help
                    .take()
                    .map(|help| format!("{help}; "))
                    .unwrap_or_default();
                diagnostic.help = Some(format!(
                    "{help}write the document as a multi-line literal string (`'''`), which has no escapes, to see \
                     the exact place"
                ));
                self.errors.push(diagnostic);
            }
        }
        None
    }

    pub(super) fn file_document(&mut self, file: &Text) -> Option<PolicyDocument> {
        let path = self.base_dir.join(file.get_ref());
        let read =
            crate::source::read_file_limited(&path, crate::source::MAX_POLICY_BYTES, "a policy");
        // The message is made here, where the error becomes a diagnostic, from the reader's error itself.
        let message = match read.map(String::from_utf8) {
            Ok(Ok(text)) => Ok(text),
            Ok(Err(_)) => Err(format!("`{}` is not UTF-8", path.display())),
            Err(error) => Err(error.to_string()),
        };
        let text = match message {
            Ok(text) => text,
            Err(message) => {
                let base = if self.base_dir.as_os_str().is_empty() {
                    "the current directory".to_owned()
                } else {
                    format!("`{}`", self.base_dir.display())
                };
                self.error(
                    codes::UNREADABLE_FILE.name,
                    message,
                    span(file),
                    format!("the path is relative to the spec's directory, {base}"),
                );
                return None;
            }
        };
        match PolicyDocument::from_json(&text) {
            Ok(document) => Some(document),
            Err(error) => {
                let count = error.diagnostics().len();
                self.error(
                    codes::INVALID_POLICY_FILE.name,
                    format!("`{}` is not a policy: {error}", path.display()),
                    span(file),
                    format!("{count} problem(s) in the file, shown below"),
                );
                self.files.push(PolicyFileError {
                    path,
                    text,
                    diagnostics: error.diagnostics().to_vec(),
                });
                None
            }
        }
    }
}
