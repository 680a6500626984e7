//! JSON Pointers (RFC 6901): from a pointer to the node it names, and the escaping of its tokens.

use std::borrow::Cow;

use super::tree::{Node, Value};

impl<'a> Node<'a> {
    /// The node a JSON Pointer (RFC 6901, such as `/Statement/0/Action`) names below this one.
    #[must_use]
    pub fn pointer(&self, pointer: &str) -> Option<&Node<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Object(members) => &members.iter().find(|member| member.key == token)?.value,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// Escapes one reference token of a JSON Pointer (`~` as `~0`, `/` as `~1`).
#[must_use]
pub fn escape_pointer_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}
