//! A sentence as data: what the pure parts of Confab (the call core, the page state) return
//! instead of English words, rendered in the page's language where it is shown.

/// A message of the catalog (`locales/*.ftl`) and the values for its placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The message id.
    pub key: &'static str,
    /// The placeholders' values, by name.
    pub args: Vec<(&'static str, Arg)>,
}

/// The value of a placeholder: words shown as they are (a name), a number (which also picks
/// the plural form), or another sentence, put in the same language ("Failed: {reason}").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is.
    Str(String),
    /// A count.
    Num(i64),
    /// A sentence of its own.
    Text(Box<Text>),
}

impl Text {
    /// The message `key` with no placeholders (yet).
    pub fn new(key: &'static str) -> Self {
        Text {
            key,
            args: Vec::new(),
        }
    }

    /// The same message with one more placeholder value.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message in English: for logs and the tests of pure code.
    pub fn english(&self) -> String {
        super::format(super::Locale::En, self.key, &self.args)
    }
}

impl From<Text> for Arg {
    fn from(value: Text) -> Self {
        Arg::Text(Box::new(value))
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Str(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Str(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Str(value.clone())
    }
}

macro_rules! number_args {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Arg {
            fn from(value: $ty) -> Self {
                Arg::Num(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(u32, u64, usize, i64);
