// Completion in the AWS Network Firewall forms: the `firewall` line, and the lines of policies and
// of stateless and stateful rule groups, read from the tokens before the cursor as completion.ts
// does (a stateful rule's line lexed as a Suricata rule).
import { CompletionItemKind } from 'vscode-languageserver';
import type { Declaration, SourceFile } from '../syntax/ast';
import type { Token } from '../syntax/lexer';
import type { SymbolKind } from '../engine/model';
import { closingParenthesis } from '../syntax/lexer';
import { cidrs, keywords, nextNumber, Suggestion, wellKnownPorts } from './completion-items';
import {
  FIREWALL_CLAUSES, POLICY_STATEMENTS, PRIORITY_KEYWORD, RULE_PROTOCOLS, STATEFUL_ACTIONS, STATEFUL_DEFAULT_ACTIONS,
  STATEFUL_ORDERS, STATELESS_ACTIONS, STATELESS_RULE_KEYWORD, SURICATA_APP_PROTOCOLS, SURICATA_DIRECTIONS, SURICATA_FLOW_VALUES,
  SURICATA_OPTIONS, SURICATA_PROTOCOLS, SURICATA_VARIABLES,
} from './keywords';

const MAX_PRIORITY = 65535;

const POLICY_DETAILS: Record<(typeof POLICY_STATEMENTS)[number], string> = {
  'stateless-default': 'pass|drop|forward: packets no stateless rule matches',
  stateless: 'GROUP priority N: a stateless rule group',
  stateful: 'GROUP [priority N]: a stateful rule group',
  'stateful-order': 'default|strict',
  'stateful-default': 'ACTION[,ACTION]: strict order only',
};

/** The declaration of a kind that holds a line: the last one that starts above it. */
function enclosing<K extends Declaration['kind']>(file: SourceFile, kind: K, line: number): Extract<Declaration, { kind: K }> | undefined {
  return file.declarations.filter((decl): decl is Extract<Declaration, { kind: K }> => decl.kind === kind && decl.range.start.line < line).pop();
}

function numberSuggestion(value: number | undefined, detail: string): Suggestion[] {
  return value === undefined ? [] : [{ label: String(value), kind: CompletionItemKind.Value, detail }];
}

/** What is being typed at the end of a line before the cursor, inside a Suricata rule's options. */
export interface OptionsContext {
  /** The text from `(` to the cursor. */
  text: string;
  /** Where the text starts on the line. */
  start: number;
}

export class FirewallSuggester {
  constructor(private readonly file: SourceFile, private readonly names: (kind: SymbolKind, except?: readonly string[]) => Suggestion[]) {}

  /** What a line of a firewall block starts with. */
  static blockStarts(block: 'firewall-policy' | 'stateless-rule-group' | 'stateful-rule-group'): Suggestion[] {
    switch (block) {
      case 'firewall-policy': return POLICY_STATEMENTS.map((label) => ({ label, kind: CompletionItemKind.Keyword, detail: POLICY_DETAILS[label] }));
      case 'stateless-rule-group': return keywords([STATELESS_RULE_KEYWORD], 'a rule: PRIORITY ACTION PROTOS from ADDRS to ADDRS');
      case 'stateful-rule-group': return keywords(STATEFUL_ACTIONS, 'a Suricata rule');
    }
  }

  /** `firewall NAME subnet SUBNET policy POLICY` */
  firewall(tokens: Token[]): Suggestion[] {
    if (tokens.length < 2) return [];
    const previous = tokens[tokens.length - 1].text;
    if (previous === 'subnet') return this.names('subnet');
    if (previous === 'policy') return this.names('firewall-policy');
    const used = new Set(tokens.slice(2).map((token) => token.text));
    return keywords(FIREWALL_CLAUSES.filter((clause) => !used.has(clause)));
  }

  policy(tokens: Token[], line: number): Suggestion[] {
    const [keyword, group, priority] = tokens;
    switch (keyword.text) {
      case 'stateless-default': return tokens.length === 1 ? keywords(STATELESS_ACTIONS, 'action') : [];
      case 'stateful-order': return tokens.length === 1 ? keywords(STATEFUL_ORDERS) : [];
      case 'stateless':
      case 'stateful': {
        const policy = enclosing(this.file, 'firewall-policy', line);
        // The statements of the policy on other lines: the one being typed is not yet there.
        const same = (policy?.statements ?? []).filter((statement) => statement.kind === keyword.text && statement.range.start.line !== line);
        if (!group) {
          const listed = same.flatMap((statement) => ('group' in statement && statement.group ? [statement.group.text] : []));
          return this.names(keyword.text === 'stateless' ? 'stateless-rule-group' : 'stateful-rule-group', listed);
        }
        if (!priority) return keywords([PRIORITY_KEYWORD]);
        if (priority.text !== PRIORITY_KEYWORD || tokens.length > 3) return [];
        const used = same.flatMap((statement) => ('priority' in statement && statement.priority ? [statement.priority.value] : []));
        return numberSuggestion(nextNumber(used, 10, 10, MAX_PRIORITY), `next free ${keyword.text} group priority`);
      }
      case 'stateful-default': {
        const previous = tokens[tokens.length - 1];
        if (tokens.length > 1 && previous.kind !== 'comma') return [];
        const kinds = new Set(tokens.slice(1).filter((token) => token.kind === 'word').map((token) => token.text.split('-')[0]));
        return keywords(STATEFUL_DEFAULT_ACTIONS.filter((action) => !kinds.has(action.split('-')[0])), 'default action');
      }
      default: return [];
    }
  }

  /** `rule PRIORITY ACTION PROTOS from ADDRS [port PORTS] to ADDRS [port PORTS]` */
  statelessRule(tokens: Token[], line: number): Suggestion[] {
    const [keyword, priority, action, ...rest] = tokens;
    if (keyword.text !== STATELESS_RULE_KEYWORD) return [];
    if (!priority) {
      const used = (enclosing(this.file, 'stateless-rule-group', line)?.rules ?? []).flatMap((rule) => (rule.priority ? [rule.priority.value] : []));
      return numberSuggestion(nextNumber(used, 10, 10, MAX_PRIORITY), 'next free rule priority');
    }
    if (!action) return keywords(STATELESS_ACTIONS, 'action');
    const previous = tokens[tokens.length - 1];
    const clause = [...rest].reverse().find((token) => token.kind === 'word' && ['from', 'to', 'port'].includes(token.text))?.text;
    if (!clause) return rest.length === 0 || previous.kind === 'comma' ? keywords(RULE_PROTOCOLS, 'protocol') : keywords(['from']);
    if (previous.text === 'from' || previous.text === 'to') return [{ label: 'any', kind: CompletionItemKind.Keyword, detail: 'every address' }, ...cidrs()];
    if (previous.text === 'port' || (previous.kind === 'comma' && clause === 'port')) return wellKnownPorts();
    if (previous.kind === 'comma') return cidrs();
    const hasTo = rest.some((token) => token.text === 'to');
    if (hasTo) return clause === 'port' ? [] : keywords(['port']);
    return clause === 'port' ? keywords(['to']) : keywords(['port', 'to']);
  }

  /** A Suricata rule: ACTION PROTO SRC SRCPORT DIR DST DSTPORT (OPTIONS), lexed as one. */
  statefulRule(tokens: Token[]): Suggestion[] {
    if (!(STATEFUL_ACTIONS as readonly string[]).includes(tokens[0].text)) return [];
    const { complete, inList } = headerElements(tokens.slice(1));
    switch (complete) {
      case 0:
        return [
          ...SURICATA_PROTOCOLS.map((label): Suggestion => ({ label, kind: CompletionItemKind.Keyword, detail: label === 'ip' ? 'every protocol' : 'protocol' })),
          ...SURICATA_APP_PROTOCOLS.map((label): Suggestion => ({ label, kind: CompletionItemKind.Keyword, detail: 'application protocol: matches on content the model does not have' })),
        ];
      case 1:
      case 4:
        return [
          ...(inList ? [] : [{ label: 'any', kind: CompletionItemKind.Keyword, detail: 'every address' }]),
          ...SURICATA_VARIABLES.map((name): Suggestion => ({ label: `$${name}`, kind: CompletionItemKind.Variable, detail: name === 'HOME_NET' ? "the VPC's blocks" : 'every address outside $HOME_NET' })),
          ...cidrs(),
        ];
      case 2:
      case 5:
        return [...(inList ? [] : [{ label: 'any', kind: CompletionItemKind.Keyword, detail: 'every port' }]), ...wellKnownPorts()];
      case 3:
        return SURICATA_DIRECTIONS.map((label) => ({ label, kind: CompletionItemKind.Operator, detail: label === '->' ? 'from the source to the destination' : 'either way' }));
      case 6: {
        const sid = this.nextSid();
        return [{ label: `(msg:""; sid:${sid}; rev:1;)`, kind: CompletionItemKind.Snippet, detail: 'options' }];
      }
      default:
        return [];
    }
  }

  /** Inside a Suricata rule's unclosed options: option names, `flow` values, the next sid. */
  options(context: OptionsContext): { suggestions: Suggestion[]; replaceFrom: number } | undefined {
    const { text, start } = context;
    // The option being typed starts after the last ';' outside a quoted value.
    let from = 1;
    for (let at = 1; at < text.length;) {
      const stop = closingSemicolon(text, at);
      if (stop === undefined) break;
      if (stop === -1) return undefined;
      from = stop + 1;
      at = from;
    }
    const option = text.slice(from);
    if (quoteOpen(option)) return undefined;
    const colon = option.indexOf(':');
    if (colon < 0) {
      const typed = /[A-Za-z0-9_.-]*$/.exec(option)![0];
      return { suggestions: keywords(SURICATA_OPTIONS, 'option'), replaceFrom: start + text.length - typed.length };
    }
    const key = option.slice(0, colon).trim();
    const value = option.slice(colon + 1);
    if (key === 'flow') {
      const typed = /[A-Za-z_]*$/.exec(value)![0];
      const used = new Set(value.split(',').map((part) => part.trim()));
      return { suggestions: keywords(SURICATA_FLOW_VALUES.filter((word) => !used.has(word) || word === typed)), replaceFrom: start + text.length - typed.length };
    }
    if (key === 'sid' && value.trim() === '') {
      return { suggestions: numberSuggestion(this.nextSid(), 'next free sid'), replaceFrom: start + text.length };
    }
    return { suggestions: [], replaceFrom: start + text.length };
  }

  /** One more than the highest sid of the file's stateful rules. */
  private nextSid(): number {
    let highest = 0;
    for (const decl of this.file.declarations) {
      if (decl.kind !== 'stateful-rule-group') continue;
      for (const rule of decl.rules) {
        const sid = Number(rule.options.find((option) => option.key.text === 'sid')?.value?.text);
        if (Number.isInteger(sid) && sid > highest) highest = sid;
      }
    }
    return highest + 1;
  }
}

/**
 * Where the option that starts at `at` of an options text ends: its `;` outside a quoted value;
 * undefined when it runs to the end; -1 when a quoted value is still open at the end.
 */
function closingSemicolon(text: string, at: number): number | undefined {
  let quoted = false;
  for (; at < text.length; at++) {
    const ch = text[at];
    if (ch === '\\') at++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ';' && !quoted) return at;
  }
  return quoted ? -1 : undefined;
}

function quoteOpen(text: string): boolean {
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') quoted = !quoted;
  }
  return quoted;
}

/**
 * How many elements of a Suricata header (protocol, source, source port, direction, destination,
 * destination port, options) the tokens after the action complete, and whether a `[...]` list is
 * still open. A `!` and a list are part of the element they negate or hold.
 */
function headerElements(tokens: Token[]): { complete: number; inList: boolean } {
  let complete = 0;
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'lbracket') depth++;
    else if (token.kind === 'rbracket') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) complete++;
    } else if (depth === 0 && token.kind !== 'bang' && token.kind !== 'comma') complete++;
  }
  return { complete, inList: depth > 0 };
}

/** The options being typed at the end of a line before the cursor, if the line ends inside them. */
export function openOptions(line: string, tokens: Token[]): OptionsContext | undefined {
  const last = tokens[tokens.length - 1];
  if (last?.kind !== 'invalid' || !last.text.startsWith('(')) return undefined;
  const start = last.range.start.character;
  if (closingParenthesis(line, start + 1, line.length).close !== undefined) return undefined;
  return { text: line.slice(start), start };
}
