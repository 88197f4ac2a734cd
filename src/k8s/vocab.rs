//! The string enums of the scheduling fields: taint effects, toleration operators,
//! `whenUnsatisfiable` and the node inclusion policies. Each keeps a value it does not know as
//! [`Other`](TaintEffect::Other), so that reading never fails on a newer API's value and the
//! value prints back as it was written.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value this crate does not know, kept as written.
            Other(String),
        }

        impl $name {
            /// The value as Kubernetes writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }

            /// The value for `text` (case-sensitive, as the API server compares it).
            pub fn parse(text: &str) -> $name {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name::parse(text)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::parse(v))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

string_enum!(
    /// A taint's `effect`.
    ///
    /// ```
    /// use label_selector::k8s::TaintEffect;
    ///
    /// assert_eq!(TaintEffect::parse("NoExecute"), TaintEffect::NoExecute);
    /// let newer = TaintEffect::parse("NoScheduleSoon");
    /// assert_eq!(newer, TaintEffect::Other("NoScheduleSoon".into()));
    /// assert_eq!(newer.to_string(), "NoScheduleSoon");
    /// ```
    TaintEffect {
        /// `NoSchedule`: new pods that do not tolerate it are not scheduled.
        NoSchedule = "NoSchedule",
        /// `PreferNoSchedule`: the scheduler avoids the node.
        PreferNoSchedule = "PreferNoSchedule",
        /// `NoExecute`: running pods that do not tolerate it are evicted.
        NoExecute = "NoExecute",
    }
);

string_enum!(
    /// A toleration's `operator` (absent means `Equal`).
    TolerationOperator {
        /// `Equal`: the taint's value must equal the toleration's.
        Equal = "Equal",
        /// `Exists`: any value; with an empty key, every taint.
        Exists = "Exists",
    }
);

string_enum!(
    /// A topology spread constraint's `whenUnsatisfiable`.
    WhenUnsatisfiable {
        /// `DoNotSchedule`: a filter.
        DoNotSchedule = "DoNotSchedule",
        /// `ScheduleAnyway`: a score.
        ScheduleAnyway = "ScheduleAnyway",
    }
);

string_enum!(
    /// `nodeAffinityPolicy` / `nodeTaintsPolicy` of a topology spread constraint.
    NodeInclusionPolicy {
        /// `Honor`: only nodes that pass the pod's node affinity (or tolerate the taints) count.
        Honor = "Honor",
        /// `Ignore`: every node counts.
        Ignore = "Ignore",
    }
);

impl Default for WhenUnsatisfiable {
    /// An absent value, kept as the empty string (the API server requires one).
    fn default() -> WhenUnsatisfiable {
        WhenUnsatisfiable::Other(String::new())
    }
}

impl Default for TaintEffect {
    /// An absent value, kept as the empty string (the API server requires one).
    fn default() -> TaintEffect {
        TaintEffect::Other(String::new())
    }
}
