//! What one page may cost the parser: a node budget proportional to its size,
//! and the time budget, both checked while html5ever builds the tree.
//!
//! HTML's tree construction amplifies its input. "Reconstruct the active
//! formatting elements"
//! (<https://html.spec.whatwg.org/multipage/parsing.html#reconstruct-the-active-formatting-elements>)
//! re-creates every formatting element (`<b>`, `<i>`, `<a>`, `<font>`…) left
//! open when a paragraph closed, before the next text or inline element: a
//! page of 400 distinct unclosed `<b class=…>` followed by a million `<p>x`
//! asks for 400 million elements from 4 MB. The adoption agency algorithm
//! (misnested `</b>`, `<a>`, `<nobr>`), foster parenting and the stack walks
//! of "has an element in scope" add their own multiples; none of it is visible
//! before parsing, and all of it happens inside one call into html5ever.
//!
//! What html5ever does, it does through our sink ([`crate::sink`]): it creates
//! nodes there, and it asks the sink for names (`elem_name`) and identities
//! (`same_node`) at every step of its walks over the stack of open elements
//! and the list of active formatting elements. So the sink meters both: every
//! call is a unit of work, the clock is read every [`CLOCK_EVERY`] units, and
//! the nodes built are counted against [`node_budget`]. Once over either, the
//! parse is stopped ([`crate::sink`] says how). Names, the call made most
//! often, are only counted ([`Meter::tally`]); the next other call checks, so
//! the check lags by at most one walk (checking there too cost 0.6 % more
//! instructions on real pages).

use std::cell::Cell;
use std::time::Instant;

/// Bytes that html5ever reads per node a page may build. Parsing a real page
/// builds at most 0.144 nodes per byte (the densest of the 5,233 pages of the
/// extraction data sets, `examples/survey.rs`); the budget, one node per two
/// bytes, leaves a margin of 3.5 over that and stops amplification at about
/// 70 bytes of memory per byte of input (a node costs about 140).
pub const BYTES_PER_NODE: usize = 2;

/// Nodes any page may build, however short (a 10 KB page gets the allowance
/// of a 128 KB one).
pub const MIN_NODES: usize = 65_536;

/// Units of work between two readings of the clock (one reading costs about
/// as much as a few dozen units).
const CLOCK_EVERY: i64 = 1024;

/// The nodes a page of `page_bytes` may build. (The length of the page as
/// read, before scripts, styles, comments and unread attributes are cut while
/// tokenizing: the cut page's length is not known before its tree is built.)
pub fn node_budget(page_bytes: usize) -> usize {
    (page_bytes / BYTES_PER_NODE).max(MIN_NODES)
}

/// Why a parse was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// More nodes than [`node_budget`].
    Nodes,
    /// Past the deadline.
    Time,
}

/// Counts the parser's work against the budgets.
pub(crate) struct Meter {
    max_nodes: usize,
    deadline: Option<Instant>,
    /// Units of work until the budgets are checked again: the count is the
    /// only thing done on each of html5ever's calls.
    until_check: Cell<i64>,
    exceeded: Cell<Option<Exceeded>>,
}

impl Meter {
    pub(crate) fn new(max_nodes: usize, deadline: Option<Instant>) -> Self {
        Meter {
            max_nodes,
            deadline,
            until_check: Cell::new(CLOCK_EVERY),
            exceeded: Cell::new(None),
        }
    }

    /// Counts `units` of work; true if the parse must stop (now, or before).
    #[inline(always)]
    pub(crate) fn work(&self, units: u32) -> bool {
        let left = self.until_check.get() - i64::from(units);
        self.until_check.set(left);
        left <= 0 && self.check_clock()
    }

    /// Counts `units` of work without checking the budgets (the next
    /// [`Meter::work`] does): for the calls made most often.
    #[inline(always)]
    pub(crate) fn tally(&self, units: u32) {
        self.until_check.set(self.until_check.get() - i64::from(units));
    }

    /// Reads the clock; true if the parse must stop.
    #[cold]
    #[inline(never)]
    fn check_clock(&self) -> bool {
        if self.exceeded.get().is_none() {
            self.until_check.set(CLOCK_EVERY);
            if self.deadline.is_some_and(|deadline| Instant::now() > deadline) {
                self.exceed(Exceeded::Time);
            }
        }
        self.exceeded.get().is_some()
    }

    /// Checks the number of nodes built so far; true if the parse must stop.
    #[inline]
    pub(crate) fn nodes(&self, built: usize) -> bool {
        if built > self.max_nodes {
            self.exceed(Exceeded::Nodes);
        }
        self.exceeded.get().is_some()
    }

    /// The first budget the parse went over, if any.
    pub(crate) fn exceeded(&self) -> Option<Exceeded> {
        self.exceeded.get()
    }

    fn exceed(&self, why: Exceeded) {
        if self.exceeded.get().is_none() {
            self.exceeded.set(Some(why));
        }
        // Once over, every call checks (where the parse cannot be left at
        // once, it is stopped again at each call until it ends).
        self.until_check.set(0);
    }
}
