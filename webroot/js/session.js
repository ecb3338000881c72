// Who is signed in (GET /api/v1/auth/me), the team chosen in the header, and what the user's role in it allows.
// Pages ask may('operator') / may('admin') and leave out what the answer forbids; the server checks anyway.

const RANKS = { viewer: 1, operator: 2, admin: 3 };
const TEAM_KEY = 'tally.team';

let me = null;

/** me: the /auth/me answer, or null when signed out. */
export function setUser(user) {
  me = user;
}

export function user() {
  return me;
}

export function isOwner() {
  return !!me?.owner;
}

export function teams() {
  return me?.teams || [];
}

/** The team chosen in the header (remembered in localStorage), or null on a server without teams. */
export function currentTeam() {
  const all = teams();
  if (!all.length) return null;
  const saved = localStorage.getItem(TEAM_KEY);
  return all.some(t => t.id === saved) ? saved : (all.find(t => t.id === 'default') || all[0]).id;
}

export function chooseTeam(id) {
  localStorage.setItem(TEAM_KEY, id);
}

/** The user's role in a team (owners are admins everywhere). */
export function roleIn(team) {
  if (isOwner()) return 'admin';
  return teams().find(t => t.id === team)?.role || null;
}

/** Whether the user has at least this role in the team (the current one unless given). */
export function may(role, team = currentTeam()) {
  if (!me) return false;
  if (isOwner()) return true; // (also a server from before sign-in: the shell makes its caller an owner)
  return (RANKS[roleIn(team)] || 0) >= RANKS[role];
}

/** An object's team: objects stored before teams existed belong to "default". */
export function teamOf(object) {
  return object?.team || 'default';
}

/** The objects of the current team (all of them on a server without teams). */
export function inTeam(items) {
  const team = currentTeam();
  return team === null ? items : items.filter(x => teamOf(x) === team);
}

/** A new object's body with its team: the one chosen in the header (an edited object keeps its own). */
export function withTeam(body, existing) {
  const team = existing ? existing.team : currentTeam();
  return team ? { ...body, team } : body;
}
