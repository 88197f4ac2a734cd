//! Explicit bounds on untrusted input.

/// Bounds applied while parsing selector strings and converting structured selectors.
///
/// Every bound is checked before work proportional to it is done, and breaking one gives a
/// typed error ([`ErrorKind::InputTooLong`](crate::ErrorKind::InputTooLong),
/// [`ErrorKind::TooManyRequirements`](crate::ErrorKind::TooManyRequirements),
/// [`ErrorKind::TooManyValues`](crate::ErrorKind::TooManyValues)) that points at the offending
/// place. Kubernetes itself has no such limits below the API server's request size (about
/// 3 MiB); the defaults are far above any real selector and far below what would hurt.
///
/// | limit | default |
/// |---|---|
/// | [`max_input_len`](Limits::max_input_len) | 256 KiB (262 144 bytes) |
/// | [`max_requirements`](Limits::max_requirements) | 1 024 |
/// | [`max_values`](Limits::max_values) (per `in` / `notin` set) | 4 096 |
///
/// # Examples
///
/// ```
/// use label_selector::{ErrorKind, Limits, Selector};
///
/// let strict = Limits::default().max_requirements(2);
/// let err = Selector::parse_with("a,b,c", &strict).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::TooManyRequirements { limit: 2 });
/// assert_eq!(err.span(), 4..5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub(crate) max_input_len: usize,
    pub(crate) max_requirements: usize,
    pub(crate) max_values: usize,
}

impl Limits {
    /// Default for [`max_input_len`](Limits::max_input_len): 256 KiB.
    pub const DEFAULT_MAX_INPUT_LEN: usize = 256 * 1024;
    /// Default for [`max_requirements`](Limits::max_requirements): 1 024.
    pub const DEFAULT_MAX_REQUIREMENTS: usize = 1024;
    /// Default for [`max_values`](Limits::max_values): 4 096.
    pub const DEFAULT_MAX_VALUES: usize = 4096;

    /// The longest selector string accepted, in bytes.
    pub fn max_input_len(mut self, bytes: usize) -> Limits {
        self.max_input_len = bytes;
        self
    }

    /// The most requirements one selector may have (for node selectors: per term).
    pub fn max_requirements(mut self, n: usize) -> Limits {
        self.max_requirements = n;
        self
    }

    /// The most values one `in` / `notin` set may list (empty slots and duplicates count).
    pub fn max_values(mut self, n: usize) -> Limits {
        self.max_values = n;
        self
    }

    /// The limit on input length in force.
    pub fn input_len_limit(&self) -> usize {
        self.max_input_len
    }

    /// The limit on requirements in force.
    pub fn requirements_limit(&self) -> usize {
        self.max_requirements
    }

    /// The limit on values per set in force.
    pub fn values_limit(&self) -> usize {
        self.max_values
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_len: Self::DEFAULT_MAX_INPUT_LEN,
            max_requirements: Self::DEFAULT_MAX_REQUIREMENTS,
            max_values: Self::DEFAULT_MAX_VALUES,
        }
    }
}
