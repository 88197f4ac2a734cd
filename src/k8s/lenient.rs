//! Kubernetes' reading rules over any serde format: an explicit `null` is the field's zero value,
//! an integral floating-point number (`3.0`) is an integer, and the path of the field at fault
//! (`spec.template.spec.containers[0].resources`) is kept for the error.
//!
//! [`Lenient`] wraps a format's deserializer. Every value it hands to a model goes through the
//! same wrapper, so the rules hold at every depth; [`Object`](super::Object) and
//! [`WatchEvent`](super::WatchEvent) read through it, and the readers in [`load`](crate::load)
//! name the field of an error with it.
//!
//! The rules, from Kubernetes' decoders (`encoding/json` into Go structs, after
//! `sigs.k8s.io/yaml` turned YAML into JSON):
//! - `null` (and YAML's empty value, `~`) leaves a Go field at its zero value: `""`, `0`,
//!   `false`, an empty list or map, a struct of zero fields. A model field that is an `Option`
//!   reads it as `None`, as a Go pointer reads `nil`.
//! - A JSON number with a zero fraction fits an integer field (`3.0` is `3`); `3.5` is an error
//!   that names the field.
//! - Skipped fields (`managedFields`, kinds the crate does not model) are skipped unwrapped,
//!   at the format's speed.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

thread_local! {
    /// The path of the innermost field whose reading failed, since the last [`take_fault_path`].
    static FAULT_PATH: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The path of the field whose reading failed last on this thread (`spec.replicas`,
/// `metadata.labels`), if one was recorded since the last call; clears it.
pub(crate) fn take_fault_path() -> Option<String> {
    FAULT_PATH.with(|p| p.borrow_mut().take())
}

/// Where a value sits in the document being read.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The top of the value being read.
    Root,
    /// A mapping entry.
    Key(&'a Path<'a>, &'a str),
    /// A list item.
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                parent.fmt(f)?;
                if key.contains(['.', '/', '[', ']']) || key.is_empty() {
                    write!(f, "[{key}]")
                } else if matches!(parent, Path::Root) {
                    f.write_str(key)
                } else {
                    write!(f, ".{key}")
                }
            }
            Path::Index(parent, i) => {
                parent.fmt(f)?;
                write!(f, "[{i}]")
            }
        }
    }
}

/// Records `path` as the fault's place when `result` failed and nothing deeper was recorded.
fn note<T, E>(result: Result<T, E>, path: &Path<'_>) -> Result<T, E> {
    if result.is_err() && !matches!(path, Path::Root) {
        FAULT_PATH.with(|p| {
            let mut p = p.borrow_mut();
            if p.is_none() {
                *p = Some(path.to_string());
            }
        });
    }
    result
}

/// A model read under Kubernetes' rules: wrap the type to read it with any serde format.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::{Lenient, Pod};
///
/// // `spec:` and `tolerations:` are empty YAML values: null, read as Kubernetes reads them.
/// let yaml = "metadata: {name: a}\nspec:\nstatus: {phase: null, conditions: null}\n";
/// let Lenient(pod) = serde_saphyr::from_str::<Lenient<Pod>>(yaml).unwrap();
/// assert!(pod.spec.tolerations.is_empty());
/// assert!(pod.status.phase.is_empty());
///
/// // Without the wrapper, serde's own rules refuse the null.
/// assert!(serde_saphyr::from_str::<Pod>(yaml).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lenient<T>(pub T);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lenient<T>, D::Error> {
        T::deserialize(Wrap::root(d)).map(Lenient)
    }
}

/// A format's deserializer under Kubernetes' rules.
pub(crate) struct Wrap<'p, D> {
    inner: D,
    path: Path<'p>,
}

static ROOT: Path<'static> = Path::Root;

impl<D> Wrap<'static, D> {
    /// Wraps a deserializer at the top of a document.
    pub(crate) fn root(inner: D) -> Wrap<'static, D> {
        Wrap {
            inner,
            path: Path::Root,
        }
    }

    /// Wraps a deserializer for the top-level field `key` (a buffered `spec`).
    pub(crate) fn field(inner: D, key: &'static str) -> Wrap<'static, D> {
        Wrap {
            inner,
            path: Path::Key(&ROOT, key),
        }
    }
}

/// Wraps a model's top-level visitor: its map (or list) and everything below it read under the
/// rules, while a top-level `null` stays an error.
pub(crate) fn top<V>(inner: V) -> Wv<'static, V> {
    Wv {
        inner,
        path: Path::Root,
        int: false,
    }
}

/// What the model asked the format for, replayed on the zero value or on the real value.
#[derive(Clone, Copy)]
enum Hint {
    Bool,
    Int,
    F32,
    F64,
    Char,
    Str,
    String,
    Bytes,
    ByteBuf,
    Unit,
    UnitStruct(&'static str),
    NewtypeStruct(&'static str),
    Seq,
    Tuple(usize),
    TupleStruct(&'static str, usize),
    Map,
    Struct(&'static str, &'static [&'static str]),
    Enum(&'static str, &'static [&'static str]),
    Identifier,
}

fn replay<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    d: D,
    hint: Hint,
    v: V,
) -> Result<V::Value, D::Error> {
    match hint {
        Hint::Bool => d.deserialize_bool(v),
        // An integer field accepts any number: the visitor checks it is integral.
        Hint::Int => d.deserialize_any(v),
        Hint::F32 => d.deserialize_f32(v),
        Hint::F64 => d.deserialize_f64(v),
        Hint::Char => d.deserialize_char(v),
        Hint::Str => d.deserialize_str(v),
        Hint::String => d.deserialize_string(v),
        Hint::Bytes => d.deserialize_bytes(v),
        Hint::ByteBuf => d.deserialize_byte_buf(v),
        Hint::Unit => d.deserialize_unit(v),
        Hint::UnitStruct(n) => d.deserialize_unit_struct(n, v),
        Hint::NewtypeStruct(n) => d.deserialize_newtype_struct(n, v),
        Hint::Seq => d.deserialize_seq(v),
        Hint::Tuple(len) => d.deserialize_tuple(len, v),
        Hint::TupleStruct(n, len) => d.deserialize_tuple_struct(n, len, v),
        Hint::Map => d.deserialize_map(v),
        Hint::Struct(n, fields) => d.deserialize_struct(n, fields, v),
        Hint::Enum(n, variants) => d.deserialize_enum(n, variants, v),
        Hint::Identifier => d.deserialize_identifier(v),
    }
}

impl<'p, D> Wrap<'p, D> {
    fn visitor<V>(&self, inner: V, int: bool) -> Wv<'p, V> {
        Wv {
            inner,
            path: self.path,
            int,
        }
    }
}

impl<'de, D: Deserializer<'de>> Wrap<'_, D> {
    /// Reads `null` as the zero value for `hint`, anything else as asked.
    fn probe<V: Visitor<'de>>(self, hint: Hint, v: V) -> Result<V::Value, D::Error> {
        let path = self.path;
        let probe = Probe {
            inner: v,
            hint,
            path,
        };
        note(self.inner.deserialize_option(probe), &path)
    }
}

macro_rules! probed {
    ($($method:ident => $hint:expr;)*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
            self.probe($hint, v)
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Wrap<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        let (path, w) = (self.path, self.visitor(v, false));
        note(self.inner.deserialize_any(w), &path)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_ignored_any(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        let (path, w) = (self.path, self.visitor(v, false));
        note(self.inner.deserialize_option(w), &path)
    }

    probed! {
        deserialize_bool => Hint::Bool;
        deserialize_i8 => Hint::Int;
        deserialize_i16 => Hint::Int;
        deserialize_i32 => Hint::Int;
        deserialize_i64 => Hint::Int;
        deserialize_i128 => Hint::Int;
        deserialize_u8 => Hint::Int;
        deserialize_u16 => Hint::Int;
        deserialize_u32 => Hint::Int;
        deserialize_u64 => Hint::Int;
        deserialize_u128 => Hint::Int;
        deserialize_f32 => Hint::F32;
        deserialize_f64 => Hint::F64;
        deserialize_char => Hint::Char;
        deserialize_str => Hint::Str;
        deserialize_string => Hint::String;
        deserialize_bytes => Hint::Bytes;
        deserialize_byte_buf => Hint::ByteBuf;
        deserialize_unit => Hint::Unit;
        deserialize_seq => Hint::Seq;
        deserialize_map => Hint::Map;
        deserialize_identifier => Hint::Identifier;
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.probe(Hint::UnitStruct(name), v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.probe(Hint::NewtypeStruct(name), v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        self.probe(Hint::Tuple(len), v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.probe(Hint::TupleStruct(name, len), v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.probe(Hint::Struct(name, fields), v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.probe(Hint::Enum(name, variants), v)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The visitor behind [`Wrap::probe`]: `None` is the zero value, `Some` the value as asked.
struct Probe<'p, V> {
    inner: V,
    hint: Hint,
    path: Path<'p>,
}

/// Every `visit_*` of a scalar (but floats), each handing the value to `self.$to()`.
macro_rules! forward_scalar_visits {
    ($to:ident) => {
        forward_scalar_visits! { @ $to;
            visit_bool(bool);
            visit_i8(i8);
            visit_i16(i16);
            visit_i32(i32);
            visit_i64(i64);
            visit_i128(i128);
            visit_u8(u8);
            visit_u16(u16);
            visit_u32(u32);
            visit_u64(u64);
            visit_u128(u128);
            visit_char(char);
            visit_str(&str);
            visit_borrowed_str(&'de str);
            visit_string(String);
            visit_bytes(&[u8]);
            visit_borrowed_bytes(&'de [u8]);
            visit_byte_buf(Vec<u8>);
        }
    };
    (@ $to:ident; $($method:ident($ty:ty);)*) => {
        $(fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.$to().$method(v)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Probe<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        match self.hint {
            Hint::Int => self.inner.visit_u64(0),
            hint => replay(Zero(PhantomData), hint, self.inner),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        let hint = self.hint;
        replay(d, hint, self.wrapped())
    }

    // A format may answer `deserialize_option` as it answers `deserialize_any` (serde's
    // `forward_to_deserialize_any` does, and so do serde's own value deserializers): the value
    // itself arrives here instead of `visit_some`. It is the value as asked, wrapped the same way.
    forward_scalar_visits!(wrapped);

    fn visit_f32<E: de::Error>(self, v: f32) -> Result<V::Value, E> {
        self.wrapped().visit_f32(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.wrapped().visit_f64(v)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.wrapped().visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.wrapped().visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.wrapped().visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.wrapped().visit_enum(data)
    }
}

impl<'p, V> Probe<'p, V> {
    /// The model's visitor for a value that is there: an integer field takes integral floats.
    fn wrapped(self) -> Wv<'p, V> {
        Wv {
            inner: self.inner,
            path: self.path,
            int: matches!(self.hint, Hint::Int),
        }
    }
}

/// Forwards every visit to the model's visitor, wrapping what it hands on; in an integer field,
/// turns an integral float into the integer.
pub(crate) struct Wv<'p, V> {
    inner: V,
    path: Path<'p>,
    int: bool,
}

impl<V> Wv<'_, V> {
    fn into_inner(self) -> V {
        self.inner
    }
}

impl<'de, 'p, V: Visitor<'de>> Visitor<'de> for Wv<'p, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_scalar_visits!(into_inner);

    fn visit_f32<E: de::Error>(self, v: f32) -> Result<V::Value, E> {
        self.visit_f64(f64::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        if !self.int {
            return self.inner.visit_f64(v);
        }
        // 2^63: the first float past i64::MAX; below -2^63 nothing fits either.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            // Exact: integral and in range.
            #[allow(clippy::cast_possible_truncation)]
            return self.inner.visit_i64(v as i64);
        }
        Err(E::invalid_value(Unexpected::Float(v), &"an integer"))
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Wrap {
            inner: d,
            path: self.path,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Wrap {
            inner: d,
            path: self.path,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(WrapSeq {
            inner: seq,
            path: self.path,
            index: 0,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(WrapMap {
            inner: map,
            path: self.path,
            key: KeyBuf::default(),
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(WrapEnum {
            inner: data,
            path: self.path,
        })
    }
}

/// A seed whose value is read through [`Wrap`] at `path`.
struct WrapSeed<'p, S> {
    inner: S,
    path: Path<'p>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for WrapSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Wrap {
            inner: d,
            path: self.path,
        })
    }
}

struct WrapSeq<'p, A> {
    inner: A,
    path: Path<'p>,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for WrapSeq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let path = Path::Index(&self.path, self.index);
        self.index += 1;
        self.inner.next_element_seed(WrapSeed { inner: seed, path })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The last key read, kept inline for the error path (truncated at 64 bytes, on a character
/// boundary): no allocation per entry.
struct KeyBuf {
    bytes: [u8; KEY_BYTES],
    len: usize,
}

impl Default for KeyBuf {
    fn default() -> KeyBuf {
        KeyBuf {
            bytes: [0; KEY_BYTES],
            len: 0,
        }
    }
}

const KEY_BYTES: usize = 64;

impl KeyBuf {
    fn set(&mut self, key: &str) {
        let mut end = key.len().min(KEY_BYTES);
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        self.bytes[..end].copy_from_slice(&key.as_bytes()[..end]);
        self.len = end;
    }

    fn as_str(&self) -> &str {
        // Always a prefix of a `str` cut at a character boundary.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

struct WrapMap<'p, A> {
    inner: A,
    path: Path<'p>,
    key: KeyBuf,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WrapMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.key.len = 0;
        self.inner.next_key_seed(KeySeed {
            inner: seed,
            buf: &mut self.key,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let WrapMap { inner, path, key } = self;
        let path = Path::Key(path, key.as_str());
        inner.next_value_seed(WrapSeed { inner: seed, path })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// Reads a key for the model and keeps its text for the path.
struct KeySeed<'k, S> {
    inner: S,
    buf: &'k mut KeyBuf,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(KeyDe {
            inner: d,
            buf: self.buf,
        })
    }
}

/// A key's deserializer: forwards every request, noting the key's text on the way.
struct KeyDe<'k, D> {
    inner: D,
    buf: &'k mut KeyBuf,
}

macro_rules! forward_key {
    ($($method:ident;)*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
            self.inner.$method(KeyV { inner: v, buf: self.buf })
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDe<'_, D> {
    type Error = D::Error;

    forward_key! {
        deserialize_any;
        deserialize_bool;
        deserialize_i8;
        deserialize_i16;
        deserialize_i32;
        deserialize_i64;
        deserialize_i128;
        deserialize_u8;
        deserialize_u16;
        deserialize_u32;
        deserialize_u64;
        deserialize_u128;
        deserialize_f32;
        deserialize_f64;
        deserialize_char;
        deserialize_str;
        deserialize_string;
        deserialize_bytes;
        deserialize_byte_buf;
        deserialize_option;
        deserialize_unit;
        deserialize_seq;
        deserialize_map;
        deserialize_identifier;
        deserialize_ignored_any;
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let v = KeyV {
            inner: v,
            buf: self.buf,
        };
        self.inner.deserialize_unit_struct(name, v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let v = KeyV {
            inner: v,
            buf: self.buf,
        };
        self.inner.deserialize_newtype_struct(name, v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        let v = KeyV {
            inner: v,
            buf: self.buf,
        };
        self.inner.deserialize_tuple(len, v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let v = KeyV {
            inner: v,
            buf: self.buf,
        };
        self.inner.deserialize_tuple_struct(name, len, v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        let v = KeyV {
            inner: v,
            buf: self.buf,
        };
        self.inner.deserialize_struct(name, fields, v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        let v = KeyV {
            inner: v,
            buf: self.buf,
        };
        self.inner.deserialize_enum(name, variants, v)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A key's visitor: notes a text (or number) key, forwards everything.
struct KeyV<'k, V> {
    inner: V,
    buf: &'k mut KeyBuf,
}

macro_rules! key_number {
    ($($method:ident($ty:ty);)*) => {
        $(fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.buf.set(&v.to_string());
            self.inner.$method(v)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyV<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    key_number! {
        visit_bool(bool);
        visit_i64(i64);
        visit_u64(u64);
        visit_f64(f64);
        visit_char(char);
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.buf.set(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.buf.set(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.buf.set(&v);
        self.inner.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.inner.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.inner.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.inner.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

struct WrapEnum<'p, A> {
    inner: A,
    path: Path<'p>,
}

impl<'de, 'p, A: EnumAccess<'de>> EnumAccess<'de> for WrapEnum<'p, A> {
    type Error = A::Error;
    type Variant = WrapEnum<'p, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(seed)?;
        Ok((
            value,
            WrapEnum {
                inner: variant,
                path: self.path,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for WrapEnum<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.newtype_variant_seed(WrapSeed {
            inner: seed,
            path: self.path,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, A::Error> {
        let v = Wv {
            inner: v,
            path: self.path,
            int: false,
        };
        self.inner.tuple_variant(len, v)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, A::Error> {
        let v = Wv {
            inner: v,
            path: self.path,
            int: false,
        };
        self.inner.struct_variant(fields, v)
    }
}

/// The zero value of whatever is asked: what a Go field holds after `null`.
struct Zero<E>(PhantomData<E>);

macro_rules! zero {
    ($($method:ident => |$v:ident| $body:expr;)*) => {
        $(fn $method<V: Visitor<'de>>(self, $v: V) -> Result<V::Value, E> { $body })*
    };
}

impl<'de, E: de::Error> Deserializer<'de> for Zero<E> {
    type Error = E;

    zero! {
        deserialize_any => |v| v.visit_unit();
        deserialize_ignored_any => |v| v.visit_unit();
        deserialize_option => |v| v.visit_none();
        deserialize_unit => |v| v.visit_unit();
        deserialize_bool => |v| v.visit_bool(false);
        deserialize_i8 => |v| v.visit_u64(0);
        deserialize_i16 => |v| v.visit_u64(0);
        deserialize_i32 => |v| v.visit_u64(0);
        deserialize_i64 => |v| v.visit_u64(0);
        deserialize_i128 => |v| v.visit_u64(0);
        deserialize_u8 => |v| v.visit_u64(0);
        deserialize_u16 => |v| v.visit_u64(0);
        deserialize_u32 => |v| v.visit_u64(0);
        deserialize_u64 => |v| v.visit_u64(0);
        deserialize_u128 => |v| v.visit_u64(0);
        deserialize_f32 => |v| v.visit_f64(0.0);
        deserialize_f64 => |v| v.visit_f64(0.0);
        deserialize_char => |v| v.visit_char('\0');
        // Borrowed, so that a model's `&str` (`&[u8]`) field takes the zero value too.
        deserialize_str => |v| v.visit_borrowed_str("");
        deserialize_string => |v| v.visit_borrowed_str("");
        deserialize_identifier => |v| v.visit_borrowed_str("");
        deserialize_bytes => |v| v.visit_borrowed_bytes(&[]);
        deserialize_byte_buf => |v| v.visit_borrowed_bytes(&[]);
        deserialize_seq => |v| v.visit_seq(Zeros(0, PhantomData));
        deserialize_map => |v| v.visit_map(Empty(PhantomData));
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_newtype_struct(self)
    }

    // A fixed-size value (a tuple, an array): as many zero values as it has places, as a Go
    // array's zero value is.
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, E> {
        v.visit_seq(Zeros(len, PhantomData))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_seq(Zeros(len, PhantomData))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_map(Empty(PhantomData))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, E> {
        // Go's zero value of a string enum: the empty string, a unit variant here.
        v.visit_enum("".into_deserializer())
    }
}

/// `n` zero values in a row (an empty list for 0).
struct Zeros<E>(usize, PhantomData<E>);

impl<'de, E: de::Error> SeqAccess<'de> for Zeros<E> {
    type Error = E;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, s: T) -> Result<Option<T::Value>, E> {
        if self.0 == 0 {
            return Ok(None);
        }
        self.0 -= 1;
        s.deserialize(Zero(PhantomData)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0)
    }
}

/// An empty map.
struct Empty<E>(PhantomData<E>);

impl<'de, E: de::Error> MapAccess<'de> for Empty<E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, _: S) -> Result<S::Value, E> {
        Err(E::custom("no value in an empty map"))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::Pod;

    #[test]
    fn paths_print_as_kubectl_names_fields() {
        let root = Path::Root;
        let spec = Path::Key(&root, "spec");
        let containers = Path::Key(&spec, "containers");
        let first = Path::Index(&containers, 0);
        let labels = Path::Key(&first, "app.kubernetes.io/name");
        assert_eq!(first.to_string(), "spec.containers[0]");
        assert_eq!(
            labels.to_string(),
            "spec.containers[0][app.kubernetes.io/name]"
        );
    }

    #[test]
    fn long_keys_are_cut_on_a_character_boundary() {
        let mut k = KeyBuf::default();
        let key = format!("{}é", "a".repeat(63));
        k.set(&key);
        assert_eq!(k.as_str(), "a".repeat(63));
    }

    #[test]
    fn a_fractional_integer_names_its_field() {
        let _ = take_fault_path();
        let json = r#"{"metadata": {"name": "a"}, "status": {"containerStatuses": [{"name": "c", "restartCount": 2.5}]}}"#;
        let err = serde_json::from_str::<Lenient<Pod>>(json).unwrap_err();
        assert!(err.to_string().contains("expected an integer"), "{err}");
        assert_eq!(
            take_fault_path().as_deref(),
            Some("status.containerStatuses[0].restartCount")
        );
        let ok = r#"{"metadata": {"name": "a"}, "status": {"containerStatuses": [{"name": "c", "restartCount": 2.0}]}}"#;
        let Lenient(pod) = serde_json::from_str::<Lenient<Pod>>(ok).unwrap();
        assert_eq!(pod.status.container_statuses[0].restart_count, 2);
    }

    use serde::Deserialize;
    use serde::de::value::{self, MapDeserializer, SeqDeserializer};
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    struct UnitS;

    #[derive(Debug, PartialEq, Deserialize)]
    struct NewT(u32);

    #[derive(Debug, PartialEq, Deserialize)]
    struct TupS(u8, String);

    #[derive(Debug, PartialEq, Deserialize)]
    enum Choice {
        #[serde(rename = "")]
        Unset,
        Unit,
        New(u8),
        Pair(u8, i8),
        Fields {
            x: u8,
        },
    }

    /// Bytes asked for as `bytes` (`buf: false`) or `byte_buf` (`buf: true`).
    #[derive(Debug, PartialEq)]
    struct Raw<const BUF: bool>(Vec<u8>);

    impl<'de, const BUF: bool> Deserialize<'de> for Raw<BUF> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
                    Ok(v.as_bytes().to_vec())
                }
            }
            if BUF {
                d.deserialize_byte_buf(V).map(Raw)
            } else {
                d.deserialize_bytes(V).map(Raw)
            }
        }
    }

    /// One field of every shape serde asks a format for.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Every<'a> {
        b: bool,
        i8: i8,
        i16: i16,
        i32: i32,
        i64: i64,
        i128: i128,
        u8: u8,
        u16: u16,
        u32: u32,
        u64: u64,
        u128: u128,
        f32: f32,
        f64: f64,
        c: char,
        s: String,
        #[serde(borrow)]
        bs: &'a str,
        unit: (),
        us: UnitS,
        nt: NewT,
        seq: Vec<u32>,
        tup: (u8, String),
        ts: TupS,
        map: BTreeMap<String, u32>,
        e: Choice,
        o: Option<u32>,
        bytes: Raw<false>,
        buf: Raw<true>,
        array: [u16; 3],
    }

    const FIELDS: [&str; 28] = [
        "b", "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "f32", "f64",
        "c", "s", "bs", "unit", "us", "nt", "seq", "tup", "ts", "map", "e", "o", "bytes", "buf",
        "array",
    ];

    #[test]
    fn null_is_the_zero_value_of_every_shape() {
        let json = format!(
            "{{{}}}",
            FIELDS.map(|f| format!("\"{f}\": null")).join(", ")
        );
        let Lenient(every) = serde_json::from_str::<Lenient<Every>>(&json).unwrap();
        let zero = Every {
            b: false,
            i8: 0,
            i16: 0,
            i32: 0,
            i64: 0,
            i128: 0,
            u8: 0,
            u16: 0,
            u32: 0,
            u64: 0,
            u128: 0,
            f32: 0.0,
            f64: 0.0,
            c: '\0',
            s: String::new(),
            bs: "",
            unit: (),
            us: UnitS,
            nt: NewT(0),
            seq: vec![],
            tup: (0, String::new()),
            ts: TupS(0, String::new()),
            map: BTreeMap::new(),
            e: Choice::Unset,
            o: None,
            bytes: Raw(vec![]),
            buf: Raw(vec![]),
            array: [0; 3],
        };
        assert_eq!(every, zero);
        // YAML's empty value is the same null.
        let yaml = FIELDS.map(|f| format!("{f}:\n")).concat();
        let Lenient(every) = serde_saphyr::from_str::<Lenient<Every>>(&yaml).unwrap();
        assert_eq!(every, zero);
    }

    #[test]
    fn values_of_every_shape_read_as_written() {
        let json = r#"{"b": true, "i8": -8.0, "i16": -16, "i32": 32.0, "i64": -64, "i128": 128,
            "u8": 8.0, "u16": 16, "u32": 32, "u64": 64.0, "u128": 128, "f32": 1.5, "f64": 2.5,
            "c": "x", "s": "s", "bs": "bs", "unit": null, "us": null, "nt": 7.0, "seq": [1, 2.0],
            "tup": [3.0, "t"], "ts": [4, "u"], "map": {"k": 5.0}, "e": {"Pair": [6.0, -7.0]},
            "o": 9.0, "bytes": "ab", "buf": "cd", "array": [1, null, 3.0]}"#;
        let Lenient(every) = serde_json::from_str::<Lenient<Every>>(json).unwrap();
        assert_eq!(
            every,
            Every {
                b: true,
                i8: -8,
                i16: -16,
                i32: 32,
                i64: -64,
                i128: 128,
                u8: 8,
                u16: 16,
                u32: 32,
                u64: 64,
                u128: 128,
                f32: 1.5,
                f64: 2.5,
                c: 'x',
                s: "s".into(),
                bs: "bs",
                unit: (),
                us: UnitS,
                nt: NewT(7),
                seq: vec![1, 2],
                tup: (3, "t".into()),
                ts: TupS(4, "u".into()),
                map: BTreeMap::from([("k".into(), 5)]),
                e: Choice::Pair(6, -7),
                o: Some(9),
                bytes: Raw(b"ab".to_vec()),
                buf: Raw(b"cd".to_vec()),
                array: [1, 0, 3],
            }
        );
        for (e, want) in [
            (r#""Unit""#, Choice::Unit),
            (r#"{"Unit": null}"#, Choice::Unit),
            (r#"{"New": 1.0}"#, Choice::New(1)),
            (r#"{"Fields": {"x": 2.0}}"#, Choice::Fields { x: 2 }),
        ] {
            let Lenient(got) = serde_json::from_str::<Lenient<Choice>>(e).unwrap();
            assert_eq!(got, want, "{e}");
        }
    }

    /// The fault path of a JSON document read as `T`, and whether it was refused.
    fn fault<T: for<'de> Deserialize<'de>>(json: &str) -> (bool, Option<String>) {
        let _ = take_fault_path();
        let failed = serde_json::from_str::<Lenient<T>>(json).is_err();
        (failed, take_fault_path())
    }

    #[test]
    fn a_fault_is_placed_at_its_field_at_every_depth() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<BTreeMap<String, Choice>>,
            pairs: Option<Vec<(u8, u8)>>,
        }
        let at = |json: &str| fault::<Outer>(json).1;
        assert_eq!(
            at(r#"{"items": [{}, {"a": "Unit", "b.c": {"New": 1.5}}]}"#).as_deref(),
            Some("items[1][b.c]")
        );
        assert_eq!(
            at(r#"{"items": [{"x": {"Pair": [1, 2.5]}}]}"#).as_deref(),
            Some("items[0].x[1]")
        );
        assert_eq!(
            at(r#"{"items": [{"x": {"Fields": {"x": 0.5}}}]}"#).as_deref(),
            Some("items[0].x.x")
        );
        assert_eq!(
            at(r#"{"items": [], "pairs": [[1, 2], [3, 4.5]]}"#).as_deref(),
            Some("pairs[1][1]")
        );
        // A fault at the top has no path, and the next reading starts clean.
        assert_eq!(fault::<u8>("0.5"), (true, None));
        assert_eq!(fault::<Vec<u8>>("[1]"), (false, None));
        // Only the innermost place is kept.
        let (failed, path) =
            fault::<BTreeMap<String, BTreeMap<String, u8>>>(r#"{"a": {"b": 300}}"#);
        assert!(failed);
        assert_eq!(path.as_deref(), Some("a.b"));
    }

    #[test]
    fn integral_floats_fit_an_integer_only_in_its_range() {
        // -2^63 is i64::MIN exactly; 2^63 is past i64::MAX.
        assert_eq!(
            serde_json::from_str::<Lenient<i64>>("-9223372036854775808.0").unwrap(),
            Lenient(i64::MIN)
        );
        for refused in [
            "9223372036854775808.0",
            "-9223372036854777856.0",
            "1e300",
            "0.5",
            "-1.5",
        ] {
            assert!(
                serde_json::from_str::<Lenient<i64>>(refused).is_err(),
                "{refused}"
            );
        }
        assert_eq!(
            serde_json::from_str::<Lenient<i32>>("-3.0").unwrap(),
            Lenient(-3)
        );
        // A float field keeps its fraction.
        assert_eq!(
            serde_json::from_str::<Lenient<f64>>("0.5").unwrap(),
            Lenient(0.5)
        );
    }

    #[test]
    fn keys_that_need_brackets_get_them() {
        let root = Path::Root;
        for (key, want) in [
            ("a[0]", "[a[0]]"),
            ("b]", "[b]]"),
            ("", "[]"),
            ("plain", "plain"),
        ] {
            assert_eq!(Path::Key(&root, key).to_string(), want);
        }
        let top = Path::Key(&root, "m");
        assert_eq!(Path::Key(&top, "").to_string(), "m[]");
        assert_eq!(Path::Index(&root, 2).to_string(), "[2]");
        // Number and boolean keys (YAML's) are named as written.
        let _ = take_fault_path();
        let yaml = "7: {true: 1.5}\n";
        assert!(serde_saphyr::from_str::<Lenient<BTreeMap<u8, BTreeMap<bool, u8>>>>(yaml).is_err());
        assert_eq!(take_fault_path().as_deref(), Some("7.true"));
    }

    /// A format that is not human-readable, and whose `deserialize_option` is its
    /// `deserialize_any`: every value is the number 7 (`Seven`), or refused, the refusal worded
    /// with the visitor's `expecting` (`Refuses`).
    #[derive(Clone, Copy, PartialEq)]
    enum Fake {
        Seven,
        Refuses,
    }
    use Fake::{Refuses, Seven};

    impl<'de> Deserializer<'de> for Fake {
        type Error = value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, value::Error> {
            match self {
                Seven => v.visit_u64(7),
                Refuses => Err(de::Error::invalid_type(Unexpected::Other("a tag"), &v)),
            }
        }

        fn is_human_readable(&self) -> bool {
            false
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct
            enum identifier ignored_any
        }
    }

    impl<'de> IntoDeserializer<'de, value::Error> for Fake {
        type Deserializer = Fake;
        fn into_deserializer(self) -> Fake {
            self
        }
    }

    #[test]
    fn a_refusal_says_what_the_model_expected() {
        let err = Lenient::<u32>::deserialize(Refuses).unwrap_err();
        assert_eq!(err.to_string(), "invalid type: a tag, expected u32");
        let err = Lenient::<Option<String>>::deserialize(Refuses).unwrap_err();
        assert_eq!(err.to_string(), "invalid type: a tag, expected option");
        // A key the format refuses is worded with the key's own expectation.
        let map = MapDeserializer::<_, value::Error>::new([(Refuses, 1u32)].into_iter());
        let err = Lenient::<BTreeMap<u32, u32>>::deserialize(map).unwrap_err();
        assert_eq!(err.to_string(), "invalid type: a tag, expected u32");
    }

    /// Whether the format said it is human-readable.
    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
    struct Readable(bool);

    impl<'de> Deserialize<'de> for Readable {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Readable, D::Error> {
            let readable = d.is_human_readable();
            de::IgnoredAny::deserialize(d)?;
            Ok(Readable(readable))
        }
    }

    /// What a list (`ASK` 0), map (1) or three-place tuple (2) told: its size hint, and how
    /// many elements it handed over (counted up to 10).
    #[derive(Debug, PartialEq)]
    struct Hinted<const ASK: u8>(Option<usize>, usize);

    impl<'de, const ASK: u8> Deserialize<'de> for Hinted<ASK> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hinted<ASK>, D::Error> {
            struct V<const ASK: u8>;
            impl<'de, const ASK: u8> Visitor<'de> for V<ASK> {
                type Value = Hinted<ASK>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a list or a map")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Hinted<ASK>, A::Error> {
                    let hint = a.size_hint();
                    let mut n = 0;
                    while n < 10 && a.next_element::<de::IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    Ok(Hinted(hint, n))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Hinted<ASK>, A::Error> {
                    let hint = a.size_hint();
                    let mut n = 0;
                    while n < 10 && a.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    Ok(Hinted(hint, n))
                }
            }
            match ASK {
                0 => d.deserialize_seq(V),
                1 => d.deserialize_map(V),
                _ => d.deserialize_tuple(3, V),
            }
        }
    }

    #[test]
    fn the_formats_own_answers_pass_through() {
        // Human-readable or not, for values and for keys.
        let Lenient(r) = Lenient::<Readable>::deserialize(Seven).unwrap();
        assert_eq!(r, Readable(false));
        let Lenient(r) = serde_json::from_str::<Lenient<Readable>>("1").unwrap();
        assert_eq!(r, Readable(true));
        let map = MapDeserializer::<_, value::Error>::new([(Seven, 1u32)].into_iter());
        let Lenient(m) = Lenient::<BTreeMap<Readable, u32>>::deserialize(map).unwrap();
        assert_eq!(m, BTreeMap::from([(Readable(false), 1)]));
        let Lenient(m) =
            serde_json::from_str::<Lenient<BTreeMap<Readable, u32>>>(r#"{"k": 1}"#).unwrap();
        assert_eq!(m, BTreeMap::from([(Readable(true), 1)]));
        // A value handed over where an `Option` was probed reads as asked.
        let Lenient(n) = Lenient::<u32>::deserialize(Seven).unwrap();
        assert_eq!(n, 7);
        let Lenient(v) = Lenient::<Vec<u32>>::deserialize(SeqDeserializer::<_, value::Error>::new(
            [Seven, Seven].into_iter(),
        ))
        .unwrap();
        assert_eq!(v, [7, 7]);
        // Size hints, for lists and maps, from the format and for a null.
        let seq = SeqDeserializer::<_, value::Error>::new([1u32, 2, 3].into_iter());
        assert_eq!(
            Lenient::<Hinted<0>>::deserialize(seq).unwrap().0,
            Hinted(Some(3), 3)
        );
        let map = MapDeserializer::<_, value::Error>::new([("a", 1u32), ("b", 2)].into_iter());
        assert_eq!(
            Lenient::<Hinted<1>>::deserialize(map).unwrap().0,
            Hinted(Some(2), 2)
        );
        #[derive(Deserialize)]
        struct Holder {
            seq: Hinted<0>,
            map: Hinted<1>,
            tuple: Hinted<2>,
        }
        let json = r#"{"seq": null, "map": null, "tuple": null}"#;
        let Lenient(held) = serde_json::from_str::<Lenient<Holder>>(json).unwrap();
        assert_eq!(held.seq, Hinted(Some(0), 0));
        assert_eq!(held.map, Hinted(Some(0), 0));
        // A null tuple has exactly as many places as the tuple, each a zero value.
        assert_eq!(held.tuple, Hinted(Some(3), 3));
    }
}
