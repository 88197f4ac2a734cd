//! The nom grammar of selector strings (Kubernetes `labels.Parse`, 1.35 behaviour).
//!
//! Lexing follows Go's lexer byte for byte: whitespace is only space, tab, CR and LF; the special
//! bytes `= ! ( ) , > <` form the tokens `=`, `==`, `!`, `!=`, `(`, `)`, `,`, `>`, `<` by longest
//! match; every other run of bytes is one identifier, and `in` / `notin` are keywords only where
//! an operator is expected. The grammar is LL(1) over those tokens, so each failure points at
//! the token where the input went wrong.

use std::ops::Range;

use nom::bytes::complete::take_while1;
use nom::character::complete::multispace0;
use nom::combinator::{eof, map, value};
use nom::{IResult, Parser};
use smallvec::SmallVec;

use super::ast::{Ast, AstRequirement, AstValue};
use crate::error::{Error, ErrorKind, Expected};
use crate::vocab::Limits;
use crate::vocab::Operator;

/// The kind of one lexical token; an identifier's text is read from the input by its span.
///
/// Word-sized on purpose: a one-byte tag written and then read back as part of the cached
/// token costs a store-forwarding stall on every token (about half of the lexer's time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
enum Tok {
    End,
    Ident,
    Bang,
    Eq,
    DoubleEq,
    NotEq,
    Gt,
    Lt,
    Open,
    Close,
    Comma,
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// An identifier: a run of bytes that are neither special nor whitespace.
///
/// The lexer works on bytes: every special and whitespace byte is ASCII, and no byte of a
/// multi-byte UTF-8 character is ASCII, so token boundaries always fall on char boundaries.
fn ident(i: &[u8]) -> IResult<&[u8], Tok> {
    map(
        take_while1(|b: u8| !is_special(b) && !matches!(b, b' ' | b'\t' | b'\r' | b'\n')),
        |_| Tok::Ident,
    )
    .parse_complete(i)
}

/// A token at the start of `i` (no whitespace skipping). Never fails: every byte that is not
/// whitespace starts a token, and the empty input is `End`. Special tokens are dispatched on
/// their first byte, taking `==` and `!=` before `=` and `!` (longest match).
fn raw_token(i: &[u8]) -> IResult<&[u8], Tok> {
    let tok = |t: Tok, n: usize| Ok((&i[n..], t));
    match i {
        [] => value(Tok::End, eof).parse_complete(i),
        [b'=', b'=', ..] => tok(Tok::DoubleEq, 2),
        [b'!', b'=', ..] => tok(Tok::NotEq, 2),
        [b'=', ..] => tok(Tok::Eq, 1),
        [b'!', ..] => tok(Tok::Bang, 1),
        [b'(', ..] => tok(Tok::Open, 1),
        [b')', ..] => tok(Tok::Close, 1),
        [b',', ..] => tok(Tok::Comma, 1),
        [b'>', ..] => tok(Tok::Gt, 1),
        [b'<', ..] => tok(Tok::Lt, 1),
        _ => ident(i),
    }
}

/// A token after optional whitespace, with its byte span in the whole input.
#[derive(Clone, Copy, Debug)]
struct Lexed {
    tok: Tok,
    start: usize,
    end: usize,
}

impl Lexed {
    fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The cursor of the recursive descent: the whole input, the offset of the unread rest, and
/// the next token once it has been looked at.
struct Cursor<'a> {
    input: &'a str,
    pos: usize,
    peeked: Option<Lexed>,
}

impl<'a> Cursor<'a> {
    fn new(input: &'a str) -> Cursor<'a> {
        Cursor {
            input,
            pos: 0,
            peeked: None,
        }
    }

    fn peek(&mut self) -> Lexed {
        if let Some(l) = self.peeked {
            return l;
        }
        let l = self.lex();
        self.peeked = Some(l);
        l
    }

    fn lex(&self) -> Lexed {
        let len = self.input.len();
        let after_ws = preceded_ws(&self.input.as_bytes()[self.pos..]);
        let start = len - after_ws.len();
        // raw_token cannot fail on any input; fall back to End defensively.
        let (rest, tok) = raw_token(after_ws).unwrap_or((after_ws, Tok::End));
        Lexed {
            tok,
            start,
            end: len - rest.len(),
        }
    }

    /// The text of a token.
    fn text(&self, l: &Lexed) -> &'a str {
        &self.input[l.start..l.end]
    }

    /// The text of an identifier token, `None` for other tokens.
    fn ident(&self, l: &Lexed) -> Option<&'a str> {
        (l.tok == Tok::Ident).then(|| self.text(l))
    }

    fn bump(&mut self, lexed: &Lexed) {
        self.pos = lexed.end;
        self.peeked = None;
    }

    fn next(&mut self) -> Lexed {
        let l = self.peek();
        self.bump(&l);
        l
    }

    fn offset(&self) -> usize {
        self.pos
    }

    fn expected(&self, at: &Lexed, expected: Expected) -> Box<Failure<'a>> {
        Failure::syntax(Error::new(
            ErrorKind::Expected { expected },
            at.span(),
            self.input,
        ))
    }
}

fn preceded_ws(i: &[u8]) -> &[u8] {
    match multispace0::<&[u8], nom::error::Error<&[u8]>>(i) {
        Ok((rest, _)) => rest,
        Err(_) => i,
    }
}

/// A failed parse, with what was read before the failure so that the caller can report an
/// earlier invalid key or value first, as Kubernetes does (it validates each key as soon as it
/// is read and each requirement's values as soon as they are complete).
#[derive(Debug)]
pub(crate) struct Failure<'a> {
    pub(crate) error: Error,
    /// The requirements completed before the failure.
    pub(crate) partial: Vec<AstRequirement<'a>>,
    /// The key of the requirement that failed, when it was read.
    pub(crate) pending_key: Option<(&'a str, Range<usize>)>,
}

impl<'a> Failure<'a> {
    fn syntax(error: Error) -> Box<Failure<'a>> {
        Box::new(Failure {
            error,
            partial: Vec::new(),
            pending_key: None,
        })
    }
}

/// Rejects control bytes other than tab, CR and LF, and input over the length limit.
fn precheck(input: &str, limits: &Limits) -> Result<(), Error> {
    if input.len() > limits.max_input_len {
        let start = limits.max_input_len.min(input.len());
        // Point at the first byte beyond the limit, on a char boundary.
        let start = (start..=input.len())
            .find(|&i| input.is_char_boundary(i))
            .unwrap_or(input.len());
        return Err(Error::new(
            ErrorKind::InputTooLong {
                len: input.len(),
                limit: limits.max_input_len,
            },
            start..input.len(),
            input,
        ));
    }
    if let Some(pos) = input
        .bytes()
        .position(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
    {
        return Err(Error::new(
            ErrorKind::ControlCharacter {
                byte: input.as_bytes()[pos],
            },
            pos..pos + 1,
            input,
        ));
    }
    Ok(())
}

/// Parses a selector string into its syntax tree, checking the grammar and the limits but not
/// the keys and values (see [`Selector::parse`](crate::Selector::parse) for the whole job).
///
/// # Errors
///
/// [`ErrorKind::Expected`] with the span of the offending token (`"a,"`, `"x in a"`, `"!a=b"`),
/// [`ErrorKind::ControlCharacter`] (`"a\0"`), and the limit kinds of [`Limits`].
///
/// # Examples
///
/// ```
/// use label_selector::syntax;
///
/// let ast = syntax::parse("x in (b,,a), y", &Default::default()).unwrap();
/// let values: Vec<&str> = ast.requirements()[0].values().iter().map(|v| v.text()).collect();
/// assert_eq!(values, ["b", "", "a"]);
///
/// let err = syntax::parse("x in a", &Default::default()).unwrap_err();
/// assert_eq!(err.message(), "expected '(' after 'in', found 'a'");
/// ```
pub fn parse<'a>(input: &'a str, limits: &Limits) -> Result<Ast<'a>, Error> {
    parse_partial(input, limits).map_err(|f| f.error)
}

/// [`parse`], keeping what was read before a failure.
pub(crate) fn parse_partial<'a>(
    input: &'a str,
    limits: &Limits,
) -> Result<Ast<'a>, Box<Failure<'a>>> {
    precheck(input, limits).map_err(Failure::syntax)?;
    let mut cur = Cursor::new(input);
    // One requirement per top-level comma, at most: size the vector once.
    let estimate = input.bytes().filter(|&b| b == b',').count() + 1;
    let mut requirements: Vec<AstRequirement<'a>> =
        Vec::with_capacity(estimate.min(limits.max_requirements));
    let first = cur.peek();
    match first.tok {
        Tok::End => {
            return Ok(Ast {
                input,
                requirements,
            });
        }
        Tok::Ident | Tok::Bang => {}
        _ => return Err(cur.expected(&first, Expected::Requirement)),
    }
    loop {
        let req = match requirement(&mut cur, limits) {
            Ok(r) => r,
            Err(mut f) => {
                f.partial = requirements;
                return Err(f);
            }
        };
        if requirements.len() == limits.max_requirements {
            let mut f = Failure::syntax(Error::new(
                ErrorKind::TooManyRequirements {
                    limit: limits.max_requirements,
                },
                req.span.clone(),
                input,
            ));
            f.partial = requirements;
            return Err(f);
        }
        requirements.push(req);
        let next = cur.next();
        let err = match next.tok {
            Tok::End => {
                return Ok(Ast {
                    input,
                    requirements,
                });
            }
            Tok::Comma => {
                let after = cur.peek();
                match after.tok {
                    Tok::Ident | Tok::Bang => continue,
                    _ => cur.expected(&after, Expected::RequirementAfterComma),
                }
            }
            _ => cur.expected(&next, Expected::CommaOrEnd),
        };
        let mut f = err;
        f.partial = requirements;
        return Err(f);
    }
}

/// `!KEY`, `KEY`, `KEY op [VALUE]` or `KEY (in|notin) ( list )`. The cursor is at `!` or an
/// identifier.
fn requirement<'a>(
    cur: &mut Cursor<'a>,
    limits: &Limits,
) -> Result<AstRequirement<'a>, Box<Failure<'a>>> {
    let first = cur.next();
    let start = first.start;
    let (key, key_span, bang) = match first.tok {
        Tok::Ident => (cur.text(&first), first.span(), false),
        Tok::Bang => {
            let k = cur.next();
            match cur.ident(&k) {
                Some(s) => (s, k.span(), true),
                None => return Err(cur.expected(&k, Expected::KeyAfterBang)),
            }
        }
        _ => return Err(cur.expected(&first, Expected::Requirement)),
    };
    let with_key = |mut f: Box<Failure<'a>>| {
        f.pending_key = Some((key, key_span.clone()));
        f
    };
    let look = cur.peek();
    if bang || matches!(look.tok, Tok::End | Tok::Comma) {
        // `!key` is complete here; whatever follows is the caller's business (`!a=b` fails there
        // with "expected ',' or end of input", as in Kubernetes).
        let end = key_span.end;
        return Ok(AstRequirement {
            span: start..end,
            key,
            key_span: key_span.clone(),
            operator: if bang {
                Operator::DoesNotExist
            } else {
                Operator::Exists
            },
            operator_span: if bang { start..start + 1 } else { end..end },
            values: SmallVec::new(),
        });
    }
    let op_tok = cur.next();
    let operator = match op_tok.tok {
        Tok::Eq => Operator::Equals,
        Tok::DoubleEq => Operator::DoubleEquals,
        Tok::NotEq => Operator::NotEquals,
        Tok::Gt => Operator::GreaterThan,
        Tok::Lt => Operator::LessThan,
        Tok::Ident if cur.text(&op_tok) == "in" => Operator::In,
        Tok::Ident if cur.text(&op_tok) == "notin" => Operator::NotIn,
        _ => {
            return Err(with_key(
                cur.expected(&op_tok, Expected::Operator { key: key.into() }),
            ));
        }
    };
    let mut values: SmallVec<[AstValue<'a>; 2]> = SmallVec::new();
    match operator {
        Operator::In | Operator::NotIn => {
            value_list(cur, key, operator, &mut values, limits).map_err(with_key)?
        }
        _ => {
            let v = cur.peek();
            match v.tok {
                Tok::End | Tok::Comma => values.push(AstValue {
                    text: "",
                    span: v.start..v.start,
                }),
                Tok::Ident => {
                    cur.bump(&v);
                    values.push(AstValue {
                        text: cur.text(&v),
                        span: v.span(),
                    });
                }
                _ => return Err(with_key(cur.expected(&v, Expected::Value { operator }))),
            }
        }
    }
    let end = match operator {
        Operator::In | Operator::NotIn => cur.offset(),
        _ => values
            .last()
            .map(|v| v.span.end)
            .unwrap_or(op_tok.end)
            .max(op_tok.end),
    };
    Ok(AstRequirement {
        span: start..end,
        key,
        key_span,
        operator,
        operator_span: op_tok.span(),
        values,
    })
}

/// `( slot ( , slot )* )` where a slot is a value or empty; empty slots are "".
fn value_list<'a>(
    cur: &mut Cursor<'a>,
    key: &'a str,
    operator: Operator,
    values: &mut SmallVec<[AstValue<'a>; 2]>,
    limits: &Limits,
) -> Result<(), Box<Failure<'a>>> {
    let open = cur.next();
    if open.tok != Tok::Open {
        return Err(cur.expected(&open, Expected::OpenParen { operator }));
    }
    loop {
        // At the start of a slot: a value, or an empty slot closed by ',' or ')'.
        let t = cur.next();
        let (slot, after) = match t.tok {
            Tok::Ident => {
                let slot = AstValue {
                    text: cur.text(&t),
                    span: t.span(),
                };
                let after = cur.next();
                match after.tok {
                    Tok::Comma | Tok::Close => (slot, after),
                    _ => {
                        return Err(cur.expected(&after, Expected::CloseParen { key: key.into() }));
                    }
                }
            }
            Tok::Comma | Tok::Close => (
                AstValue {
                    text: "",
                    span: t.start..t.start,
                },
                t,
            ),
            _ => return Err(cur.expected(&t, Expected::ListItem { key: key.into() })),
        };
        if values.len() == limits.max_values {
            return Err(Failure::syntax(Error::new(
                ErrorKind::TooManyValues {
                    limit: limits.max_values,
                },
                slot.span.start..after.end,
                cur.input,
            )));
        }
        values.push(slot);
        if after.tok == Tok::Close {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(Tok, &str)> {
        let mut c = Cursor::new(s);
        let mut out = Vec::new();
        loop {
            let t = c.next();
            out.push((t.tok, c.text(&t)));
            if t.tok == Tok::End {
                return out;
            }
        }
    }

    #[test]
    fn lexer_takes_longest_special_tokens() {
        use Tok::*;
        assert_eq!(toks("==="), [(DoubleEq, "=="), (Eq, "="), (End, "")]);
        assert_eq!(toks(">="), [(Gt, ">"), (Eq, "="), (End, "")]);
        assert_eq!(toks("!=="), [(NotEq, "!="), (Eq, "="), (End, "")]);
        assert_eq!(toks("<>"), [(Lt, "<"), (Gt, ">"), (End, "")]);
        assert_eq!(toks("=!"), [(Eq, "="), (Bang, "!"), (End, "")]);
        assert_eq!(
            toks(" a|b \t\r\n( )"),
            [(Ident, "a|b"), (Open, "("), (Close, ")"), (End, "")]
        );
        assert_eq!(toks("x\u{b}y"), [(Ident, "x\u{b}y"), (End, "")]);
    }
}
