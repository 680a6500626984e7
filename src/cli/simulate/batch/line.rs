//! A request line of a batch, read straight into what a decision needs: the context into a [`Context`] and
//! each policy into where it is, without an intermediate JSON tree (a batch reads many lines, and this is
//! half of its time per line).

use std::fmt;

use iamgen_runtime::eval::Context;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// One request line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Line {
    pub(super) principal: String,
    pub(super) action: String,
    pub(super) resource: String,
    #[serde(default)]
    pub(super) context: LineContext,
    pub(super) via_role: Option<String>,
    pub(super) identity: Option<Vec<PolicySource>>,
    pub(super) resource_policy: Option<PolicySource>,
    pub(super) boundary: Option<PolicySource>,
    pub(super) session_policy: Option<PolicySource>,
    pub(super) scp: Option<Vec<PolicySource>>,
    pub(super) rcp: Option<Vec<PolicySource>>,
    pub(super) resource_account: Option<String>,
    pub(super) management_account: Option<bool>,
    pub(super) id: Option<serde_json::Value>,
}

impl Line {
    /// Whether the line names a policy of its own (loose mode), rather than asking the stack.
    pub(super) fn is_loose(&self) -> bool {
        self.identity.is_some()
            || self.resource_policy.is_some()
            || self.boundary.is_some()
            || self.session_policy.is_some()
            || self.resource_account.is_some()
            || self.management_account.is_some()
    }
}

/// Where a line's policy is: a file (read once for the batch) or the line itself.
pub(super) enum PolicySource {
    File(String),
    Inline(serde_json::Value),
}

impl<'de> Deserialize<'de> for PolicySource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Source;
        impl<'de> Visitor<'de> for Source {
            type Value = PolicySource;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a policy file's path or a policy (a JSON object)")
            }

            fn visit_str<E: de::Error>(self, path: &str) -> Result<PolicySource, E> {
                Ok(PolicySource::File(path.to_owned()))
            }

            fn visit_string<E: de::Error>(self, path: String) -> Result<PolicySource, E> {
                Ok(PolicySource::File(path))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PolicySource, A::Error> {
                serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(PolicySource::Inline)
            }
        }
        deserializer.deserialize_any(Source)
    }
}

/// A line's `context`: `{"KEY": "VALUE" | ["V1", "V2"] | []}`, as `--context` builds one (`[]` is a key present
/// with no values; booleans and numbers stand for their text).
#[derive(Default)]
pub(super) struct LineContext(pub(super) Context);

impl<'de> Deserialize<'de> for LineContext {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = LineContext;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of condition keys and their values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LineContext, A::Error> {
                let mut context = Context::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value_seed(Values {
                        key: &key,
                        context: &mut context,
                    })?;
                }
                Ok(LineContext(context))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// The values of one key, added to the context as they are read.
struct Values<'c> {
    key: &'c str,
    context: &'c mut Context,
}

impl<'de> DeserializeSeed<'de> for Values<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Values<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a value of `{}`: a string, a boolean, a number, or a list of them",
            self.key
        )
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.context.add(self.key, value);
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.visit_str(if value { "true" } else { "false" })
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.visit_str(&value.to_string())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.visit_str(&value.to_string())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.visit_str(&value.to_string())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut any = false;
        while let Some(value) = seq.next_element::<Scalar>()? {
            self.context.add(self.key, &value.0);
            any = true;
        }
        if !any {
            self.context.set_empty(self.key);
        }
        Ok(())
    }
}

/// One value in a list of a context key.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Scalar;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a boolean or a number")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar(value.to_owned()))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
                Ok(Scalar(value.to_string()))
            }
        }
        deserializer.deserialize_any(Text)
    }
}
