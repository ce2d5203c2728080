import type { MethodName } from '../../protocol/contract.ts';

/**
 * Who may do what on a team server (DESIGN.md §11). Roles are ordered: each holds every right of
 * the ones before it. `approver` answers approvals; `admin` manages people, credentials, settings
 * and what goes live (publish, enable, disable).
 */
export const ROLES = ['viewer', 'analyst', 'approver', 'admin'] as const;

/** A person's role on the team server. */
export type Role = (typeof ROLES)[number];

/** Whether `text` names a role. */
export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** The least role each protocol method needs. Every method is listed: a new one fails the type check until it is placed. */
export const METHOD_ROLES: Record<MethodName, Role> = {
  'host.info': 'viewer',
  'catalogue.list': 'viewer',
  'playbooks.list': 'viewer',
  'playbooks.get': 'viewer',
  'playbooks.validate': 'viewer',
  'playbooks.export': 'viewer',
  'credentials.list': 'viewer',
  'settings.get': 'viewer',
  'runs.list': 'viewer',
  'runs.latest': 'viewer',
  'runs.get': 'viewer',
  'runs.active': 'viewer',
  'triggers.schedulePreview': 'viewer',
  'triggers.list': 'viewer',
  'events.list': 'viewer',
  'events.get': 'viewer',
  'playbooks.create': 'analyst',
  'playbooks.save': 'analyst',
  'playbooks.rename': 'analyst',
  'playbooks.duplicate': 'analyst',
  'playbooks.delete': 'analyst',
  'playbooks.import': 'analyst',
  'playbooks.bind': 'analyst',
  'lab.reset': 'analyst',
  'runs.start': 'analyst',
  'runs.control': 'analyst',
  'events.replay': 'analyst',
  'runs.decide': 'approver',
  'credentials.save': 'admin',
  'credentials.delete': 'admin',
  'settings.save': 'admin',
  'triggers.enable': 'admin',
  'triggers.disable': 'admin',
  'triggers.publish': 'admin',
};

/** Whether `role` may call `method`. */
export function mayCall(role: Role, method: MethodName): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(METHOD_ROLES[method]);
}

/** The one-line refusal of a call the role may not make. */
export function refusalOf(role: Role, method: MethodName): string {
  return `${method} needs the ${METHOD_ROLES[method]} role; you are ${role}`;
}
