//! One opened register per command. The command line opens the register once — its settings,
//! forms and store (the git repository) — and hands this [`Session`] to the one library
//! function it calls; nothing below opens the repository again. Work spread over the cores goes
//! through [`Session::par_map`], which gives each worker its own repository handle (handles are
//! not shared between threads) seeded with what this session has read of history; a change goes
//! through one [`Transaction`] ([`Session::start`] … [`Transaction::commit`]), as jj's
//! `start_transaction` … `finish`.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::register::Register;
use crate::store::{Change, Committed, Seed, Store};

/// The register a command works on, opened once.
pub struct Session {
    reg: Arc<Register>,
    store: Store,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("root", &self.reg.root)
            .finish()
    }
}

/// A session reads as its register: `session.settings`, `session.form_of(id)` …
impl std::ops::Deref for Session {
    type Target = Register;

    fn deref(&self) -> &Register {
        &self.reg
    }
}

/// What a worker of [`Session::par_map`] works with: the register (shared) and a store of its
/// own.
pub struct Worker<'a> {
    /// The register's settings and forms.
    pub reg: &'a Register,
    /// This worker's repository handle.
    pub store: &'a Store,
}

impl Session {
    /// Open `reg`'s store: the one repository handle of this command.
    pub fn open(reg: Register) -> Result<Session> {
        let store = Store::open(&reg.root)?;
        Ok(Session {
            reg: Arc::new(reg),
            store,
        })
    }

    /// Find the register at or above `start` and open it.
    pub fn discover(start: &std::path::Path) -> Result<Session> {
        Session::open(Register::discover(start)?)
    }

    /// The register: settings, forms, the root.
    pub fn register(&self) -> &Register {
        &self.reg
    }

    /// The store: the one door to the register's files and git objects.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// `f` over `items` on every core, in order. Each worker opens its own repository handle
    /// once, seeded with the history this session has read (the changed-path index, every
    /// submission's record); when a worker cannot open one, each of its items says why
    /// ([`Error::Worker`], keeping the cause). One item is done on this thread, with this
    /// session's handle.
    pub fn par_map<T, R>(
        &self,
        items: &[T],
        f: impl Fn(&Worker<'_>, &T) -> Result<R> + Sync,
    ) -> Vec<Result<R>>
    where
        T: Sync,
        R: Send,
    {
        if items.len() <= 1 {
            let w = Worker {
                reg: &self.reg,
                store: &self.store,
            };
            return items.iter().map(|item| f(&w, item)).collect();
        }
        self.workers().par_map(items, f)
    }

    /// The workers of [`Session::par_map`], to hand to another thread (the audit checks the
    /// records while it follows the chain of trust on this one).
    pub fn workers(&self) -> Workers {
        Workers {
            reg: self.reg.clone(),
            seed: self.store.seed(),
        }
    }

    /// Start a change described by `what` (`submit cbp-fld`): take the register lock — waiting
    /// for another smout as long as `SMOUT_LOCK_TIMEOUT` allows, and finishing a change an
    /// earlier one left — and make sure the repository can take it. `note` hears what the user
    /// should be told on the way. Nothing is changed until [`Transaction::commit`].
    pub fn start(&self, what: &str, note: &mut dyn FnMut(String)) -> Result<Transaction<'_>> {
        let lock = self.store.lock(what, note)?;
        self.store.ensure_ready()?;
        Ok(Transaction {
            session: self,
            lock,
        })
    }
}

impl Session {
    /// Hold the register lock for a change of the work tree only (nothing is committed: an
    /// import writes the record for its drafter to read), or for a tag on a commit that is
    /// there already (a co-signature).
    pub fn hold(
        &self,
        what: &str,
        note: &mut dyn FnMut(String),
    ) -> Result<crate::store::lock::RegisterLock> {
        self.store.lock(what, note)
    }
}

/// What [`Session::par_map`] spreads work with: the register and what the session has read of
/// history (shared, immutable). `Sync`: it goes to other threads, where each worker opens its
/// own repository handle.
pub struct Workers {
    reg: Arc<Register>,
    seed: Seed,
}

impl Workers {
    /// A session of this register on another thread: its own repository handle, seeded as a
    /// worker's (the site makes its audit and report beside its pages).
    pub fn session(&self) -> Result<Session> {
        Ok(Session {
            reg: self.reg.clone(),
            store: Store::open_seeded(&self.reg.root, &self.seed)?,
        })
    }

    /// [`Session::par_map`], every item on a worker's own handle.
    pub fn par_map<T, R>(
        &self,
        items: &[T],
        f: impl Fn(&Worker<'_>, &T) -> Result<R> + Sync,
    ) -> Vec<Result<R>>
    where
        T: Sync,
        R: Send,
    {
        let reg = &*self.reg;
        crate::par::map(
            items,
            || Store::open_seeded(&reg.root, &self.seed).map_err(Arc::new),
            |store, item| match store {
                Ok(store) => f(&Worker { reg, store }, item),
                Err(cause) => Err(Error::Worker(cause.clone())),
            },
        )
    }
}

/// A change under way: the register is locked until it is committed or dropped.
pub struct Transaction<'a> {
    session: &'a Session,
    lock: crate::store::lock::RegisterLock,
}

impl Transaction<'_> {
    /// Commit `change` (files, message, tag) and release the lock.
    pub fn commit(self, change: Change) -> Result<Committed> {
        self.session.store.commit(&self.lock, change)
    }
}
