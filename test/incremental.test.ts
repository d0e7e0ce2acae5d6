// The incremental analyzer must answer exactly as a fresh `analyze` after any edit: random edit
// sequences on real and generated models, and edits where reusing a result would be wrong.
//
// Seeds are fixed so that runs are reproducible; override with FC_SEED=<n> (and FC_RUNS=<n>).
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, Analysis } from '../server/src/engine/analyze';
import type { FlowResult } from '../server/src/engine/evaluate';
import { IncrementalAnalyzer } from '../server/src/engine/incremental';
import type { Rule } from '../server/src/engine/hops';
import type { Model } from '../server/src/engine/model';
import { generateModel } from '../bench/generate';
import { randomModel } from './naive/random-model';
import { modelTexts } from './model-files';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251125;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 120;


const TEXTS: string[] = [
  ...modelTexts('examples', 'test/fixtures'),
  ...fc.sample(fc.oneof(randomModel(), randomModel({ large: true })), { numRuns: 12, seed: SEED }).map((model) => model.text),
  ...[1, 2, 3].map((seed) => generateModel({ lines: 200, seed }).text),
];

function run(steps: Generator<void, Analysis, void>): Analysis {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function ruleView(rule: Rule | undefined) {
  return rule && { text: rule.text, direction: 'direction' in rule ? rule.direction : '-', range: rule.decl?.range };
}

function flowView(result: FlowResult) {
  return {
    name: result.flow.name,
    range: result.flow.decl.range,
    verdict: result.verdict,
    ok: result.ok,
    example: result.example,
    witness: result.witness,
    split: result.split,
    atoms: result.atoms.map((atom) => [atom.path, atom.src.intervals, atom.dst.intervals, atom.admitted.boxes.map((box) => box.map((set) => set.intervals))]),
    hops: result.hops.map((hop) => `${hop.step} ${hop.label} ${hop.direction} ${hop.phase}`),
    trace: result.trace.map((step) => ({ step: step.hop.step, label: step.hop.label, action: step.action, rule: ruleView(step.rule) })),
    deciding: [...result.decidingRules].map((rule) => JSON.stringify(ruleView(rule))).sort(),
    assumed: result.assumed.map((rule) => JSON.stringify(ruleView(rule))),
    packets: result.trace.map((step) => step.firewall?.packets.map((line) => `${line.packet.name}: ${line.stateless.action} ${line.stateful?.how ?? '-'} ${line.stateful?.rule?.text ?? ''}`).join('; ') ?? ''),
  };
}

function modelRules(model: Model): Set<Rule> {
  const rules = new Set<Rule>();
  for (const group of [model.defaultGroup, ...model.groups.values()]) group.rules.forEach((rule) => rules.add(rule));
  for (const acl of [model.defaultAcl, ...model.acls.values()]) [...acl.inbound, ...acl.outbound].forEach((rule) => rules.add(rule));
  for (const table of [model.localOnly, ...model.routeTables.values()]) table.routes.forEach((route) => rules.add(route));
  for (const group of [...model.statelessGroups.values(), ...model.statefulGroups.values()]) group.rules.forEach((rule) => rules.add(rule));
  return rules;
}

/** Every object a result points to is of the analysis's own model, never of an earlier one. */
function assertOwnModel(analysis: Analysis): void {
  const rules = modelRules(analysis.model);
  const instances = new Set(analysis.model.instances.values());
  analysis.flows.forEach((result, i) => {
    assert.equal(result.flow, analysis.model.flows[i], `flow ${result.flow.name} is not the model's`);
    for (const path of result.paths) {
      for (const hop of path.hops) if (hop.kind === 'sg') assert.ok(instances.has(hop.instance), `a hop of ${result.flow.name} names a stale instance`);
    }
    for (const step of result.trace) {
      assert.ok(result.hops.includes(step.hop), `a trace step of ${result.flow.name} names a stale hop`);
      if (step.rule) assert.ok(rules.has(step.rule), `a trace step of ${result.flow.name} names a stale rule`);
    }
    for (const rule of result.decidingRules) assert.ok(rules.has(rule), `a deciding rule of ${result.flow.name} is stale`);
  });
}

/** Analyses `text` incrementally and freshly, and requires the same answers. */
function assertSameAsFresh(analyzer: IncrementalAnalyzer, text: string): Analysis {
  const incremental = run(analyzer.steps(text));
  const fresh = analyze(text);
  assert.equal(incremental.text, text);
  assert.deepStrictEqual(incremental.file, fresh.file);
  assert.deepStrictEqual(incremental.diagnostics, fresh.diagnostics);
  assert.deepStrictEqual(incremental.flows.map(flowView), fresh.flows.map(flowView));
  assertOwnModel(incremental);
  return fresh;
}

// Each edit picks its place from two numbers, so that fast-check can shrink a failing sequence.
type Edit = (text: string, a: number, b: number) => string;

function replaceMatch(text: string, pattern: RegExp, a: number, replacement: (found: string) => string): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const match = matches[a % matches.length];
  return text.slice(0, match.index) + replacement(match[0]) + text.slice(match.index! + match[0].length);
}

function editLines(text: string, change: (lines: string[]) => void): string {
  const lines = text.split('\n');
  change(lines);
  return lines.join('\n');
}

const EDITS: Record<string, Edit> = {
  character: (text, a, b) => {
    if (text.length === 0) return text;
    const at = a % text.length;
    return text.slice(0, at) + ' 0123456789abcxyz-./,:#'[b % 24] + text.slice(at + 1);
  },
  comment: (text, a, b) => replaceMatch(text, /#[^\r\n]*/g, a, (found) => {
    const at = 1 + (b % found.length);
    return found.slice(0, at) + ' 7x"#{}-'[b % 8] + found.slice(at + (b % 3 === 0 ? 1 : 0));
  }),
  digit: (text, a, b) => replaceMatch(text, /\d/g, a, (digit) => String((Number(digit) + 1 + (b % 9)) % 10)),
  insertLine: (text, a, b) => editLines(text, (lines) => lines.splice(a % (lines.length + 1), 0, lines[b % lines.length])),
  deleteLine: (text, a) => editLines(text, (lines) => lines.splice(a % lines.length, 1)),
  swapLines: (text, a) => editLines(text, (lines) => {
    const at = a % Math.max(1, lines.length - 1);
    if (at + 1 < lines.length) [lines[at], lines[at + 1]] = [lines[at + 1], lines[at]];
  }),
  rename: (text, a, b) => {
    const names = [...new Set(text.match(/\b[a-z][a-z0-9_-]*\d\b|\b[a-z]+-[a-z0-9-]+\b/g) ?? [])];
    if (names.length === 0) return text;
    const name = names[a % names.length];
    const target = b % 2 === 0 ? `${name}x` : names[b % names.length];
    return text.replace(new RegExp(`\\b${name.replace(/[.-]/g, '\\$&')}\\b`, 'g'), target);
  },
  port: (text, a, b) => replaceMatch(text, /\b(tcp|udp) \d+(-\d+)?/g, a, (found) => `${found.split(' ')[0]} ${[22, 80, 443, 1024, 3306, 32768, 49152, 65535][b % 8]}`),
  cidr: (text, a, b) => replaceMatch(text, /\/\d+/g, a, () => `/${[0, 8, 16, 20, 24, 28, 32][b % 7]}`),
  action: (text, a) => replaceMatch(text, /\b(allow|deny)\b/g, a, (found) => (found === 'allow' ? 'deny' : 'allow')),
  dropGroup: (text, a) => replaceMatch(text, /groups [A-Za-z0-9_.,-]+/g, a, (found) => {
    const groups = found.slice('groups '.length).split(',');
    return groups.length > 1 ? `groups ${groups.slice(1).join(',')}` : '';
  }),
  os: (text, a) => replaceMatch(text, /\bos (linux|windows)\b|\bip \S+( |$)/gm, a, (found) => {
    if (found === 'os linux') return 'os windows';
    if (found === 'os windows') return 'os linux';
    return `${found.trimEnd()} os windows${found.endsWith(' ') ? ' ' : ''}`;
  }),
};
const EDIT_NAMES = Object.keys(EDITS);

describe('incremental analysis', () => {
  it('answers as a fresh analysis after every edit of random edit sequences', function () {
    this.timeout(120_000);
    const edit = fc.record({ kind: fc.nat(EDIT_NAMES.length - 1), a: fc.nat(), b: fc.nat() });
    fc.assert(
      fc.property(fc.nat(TEXTS.length - 1), fc.array(edit, { minLength: 1, maxLength: 8 }), (which, edits) => {
        const analyzer = new IncrementalAnalyzer();
        let text = TEXTS[which];
        assertSameAsFresh(analyzer, text);
        for (const { kind, a, b } of edits) {
          text = EDITS[EDIT_NAMES[kind]](text, a, b);
          assertSameAsFresh(analyzer, text);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  /** Analyses `before` then `after` with one analyzer; the edit must change the fresh answer. */
  function assertEditSeen(before: string, after: string): void {
    const analyzer = new IncrementalAnalyzer();
    const first = assertSameAsFresh(analyzer, before);
    const second = assertSameAsFresh(analyzer, after);
    assert.notDeepStrictEqual(
      { diagnostics: second.diagnostics, flows: second.flows.map(flowView) },
      { diagnostics: first.diagnostics, flows: first.flows.map(flowView) },
      'the edit should change the analysis',
    );
  }

  const NETWORK = [
    'vpc main 10.0.0.0/16',
    'subnet web 10.0.1.0/24 acl web-acl',
    'subnet app 10.0.2.0/24',
    'network-acl web-acl {',
    '  inbound  100 allow tcp 443 from 10.0.0.0/16',
    '  outbound 100 allow tcp 32768-60999 to 10.0.0.0/16',
    '}',
    'security-group web-sg {',
    '  inbound tcp 443 from 10.0.2.0/25',
    '  inbound tcp 443 from sg app-sg',
    '}',
    'security-group app-sg {',
    '  outbound tcp 443 to 10.0.1.0/24',
    '}',
    'instance web-1 subnet web ip 10.0.1.10 groups web-sg',
    'instance app-1 subnet app ip 10.0.2.10 groups app-sg',
    'flow call app-1 -> web-1 tcp 443 expect allow',
  ].join('\n');

  it("sees an instance's new address in another group's `sg` peer", () => {
    assertEditSeen(NETWORK, NETWORK.replace('ip 10.0.2.10', 'ip 10.0.2.200'));
  });

  it("sees an instance's operating system in a network ACL's return-rule check", () => {
    assertEditSeen(NETWORK, NETWORK.replace('ip 10.0.2.10 groups app-sg', 'ip 10.0.2.10 groups app-sg os windows'));
  });

  it("sees a prefix list's new entry in the rules-per-group quota, though its addresses stay the same", () => {
    const rules = Array.from({ length: 59 }, (_, i) => `  inbound tcp ${1000 + i} from 10.0.0.0/16`).join('\n');
    const before = `vpc v 10.0.0.0/16\nprefix-list partners 203.0.113.0/24\nsecurity-group many {\n${rules}\n  inbound tcp 443 from pl partners\n}\n`;
    const after = before.replace('partners 203.0.113.0/24', 'partners 203.0.113.0/24 203.0.113.0/25');
    assert.ok(analyze(after).diagnostics.some((d) => d.code === 'VR400'), 'the edit crosses the quota');
    assertEditSeen(before, after);
  });

  it('sees a rule moved up a line', () => {
    const lines = NETWORK.split('\n');
    [lines[8], lines[9]] = [lines[9], lines[8]];
    assertEditSeen(NETWORK, lines.join('\n'));
  });

  it('takes an edit inside a comment as a comment edit only', () => {
    const commented = NETWORK.replace('groups web-sg', 'groups web-sg # the web tier');
    const analyzer = new IncrementalAnalyzer();
    assertSameAsFresh(analyzer, commented);
    assertSameAsFresh(analyzer, commented.replace('web tier', 'web tiers'));
    assertSameAsFresh(analyzer, commented.replace('web tier', 'web\ttier'));
    assertSameAsFresh(analyzer, `${commented}!`);
    assertSameAsFresh(analyzer, commented.replace(' tier', '\rinstance web-2 subnet web ip 10.0.1.11 groups web-sg'));
    assertSameAsFresh(analyzer, commented.replace(' tier', '\ninstance web-3 subnet web ip 10.0.1.12 groups web-sg'));
  });

  it('sees an edit after a # that is inside a string, not a comment', () => {
    const described = NETWORK.replace('to 10.0.1.0/24', 'to 10.0.1.0/24 "web # 443"');
    assertEditSeen(described, described.replace('"web # 443"', '"web # 443'));
  });

  it('sees a group removed from an instance', () => {
    assertEditSeen(NETWORK, NETWORK.replace('groups web-sg', ''));
  });

  it("sees a return rule's port change in a flow's reply hop", () => {
    assertEditSeen(NETWORK, NETWORK.replace('tcp 32768-60999 to', 'tcp 32768-40000 to'));
  });

  const ROUTED = [
    'vpc main 10.0.0.0/16',
    'subnet public 10.0.0.0/24 acl public-acl routes public-rt',
    'subnet web 10.0.1.0/24 acl web-acl routes private-rt',
    'subnet db 10.0.2.0/24 acl db-acl routes private-rt',
    'internet-gateway igw',
    'nat-gateway nat subnet public ip 10.0.0.5 public-ip 198.18.0.5',
    'route-table public-rt {',
    '  route 0.0.0.0/0 -> igw igw',
    '}',
    'route-table private-rt {',
    '  route 0.0.0.0/0 -> nat nat',
    '}',
    'network-acl public-acl {',
    '  inbound  100 allow all from 0.0.0.0/0',
    '  outbound 100 allow all to 0.0.0.0/0',
    '}',
    'network-acl web-acl {',
    '  inbound  100 allow all from 0.0.0.0/0',
    '  outbound 100 allow all to 0.0.0.0/0',
    '}',
    'network-acl db-acl {',
    '  inbound  100 allow tcp 5432 from 10.0.1.0/24',
    '  inbound  110 allow tcp 1024-65535 from 0.0.0.0/0',
    '  outbound 100 allow all to 0.0.0.0/0',
    '}',
    'security-group web-sg {',
    '  outbound all to 0.0.0.0/0',
    '}',
    'security-group db-sg {',
    '  inbound tcp 5432 from sg web-sg',
    '  outbound all to 0.0.0.0/0',
    '}',
    'instance web-1 subnet web ip 10.0.1.10 groups web-sg',
    'instance db-1 subnet db ip 10.0.2.10 groups db-sg',
    'flow out web-1 -> internet tcp 443 expect allow',
    'flow query web-1 -> db-1 tcp 5432 expect allow',
    'flow backup db-1 -> internet tcp 443 expect allow',
  ].join('\n');

  it("re-evaluates after a network ACL's edit only the flows whose paths can cross it", () => {
    const analyzer = new IncrementalAnalyzer();
    const first = assertSameAsFresh(analyzer, ROUTED);
    assert.deepEqual(first.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(analyzer.evaluatedFlows, ['out', 'query', 'backup']);
    assertSameAsFresh(analyzer, ROUTED.replace('inbound  100 allow tcp 5432 from', 'inbound  100 allow tcp 5433 from'));
    assert.deepEqual(analyzer.evaluatedFlows, ['query', 'backup']);
    assertSameAsFresh(analyzer, ROUTED);
    assert.deepEqual(analyzer.evaluatedFlows, ['query', 'backup']);
    // The NAT gateway's subnet is on the way out of every private subnet; 'query' stays inside the
    // VPC, on the local route, and never crosses it.
    assertSameAsFresh(analyzer, ROUTED.replace('inbound  100 allow all from 0.0.0.0/0\n  outbound 100 allow all to 0.0.0.0/0\n}\nnetwork-acl web-acl', 'inbound  100 allow all from 0.0.0.0/1\n  outbound 100 allow all to 0.0.0.0/0\n}\nnetwork-acl web-acl'));
    assert.deepEqual(analyzer.evaluatedFlows, ['out', 'backup']);
  });

  it('re-evaluates no flow and re-runs no check when lines move but say the same', () => {
    const analyzer = new IncrementalAnalyzer();
    assertSameAsFresh(analyzer, ROUTED);
    // An empty line at the top moves every line below it.
    assertSameAsFresh(analyzer, `\n${ROUTED}`);
    assert.deepEqual(analyzer.evaluatedFlows, []);
    assert.deepEqual(analyzer.checkedBlocks, []);
    // A comment line between two blocks moves the lines after it.
    assertSameAsFresh(analyzer, `\n${ROUTED}`.replace('  route 0.0.0.0/0 -> igw igw\n}\nroute-table private-rt {\n', '  route 0.0.0.0/0 -> igw igw\n}\n# private\nroute-table private-rt {\n'));
    assert.deepEqual(analyzer.evaluatedFlows, []);
    assert.deepEqual(analyzer.checkedBlocks, []);
  });

  it('re-evaluates after a rule edit only the flows whose packets the old or the new rule can match', () => {
    const text = `${ROUTED}\nflow ping web-1 -> db-1 icmp type 8 expect deny\nflow dns db-1 -> 10.0.1.10 udp 53 expect deny`;
    const analyzer = new IncrementalAnalyzer();
    assertSameAsFresh(analyzer, text);
    // db-acl's rule for PostgreSQL can match no ICMP or UDP packet, before or after the edit.
    assertSameAsFresh(analyzer, text.replace('inbound  100 allow tcp 5432 from', 'inbound  100 allow tcp 5433 from'));
    assert.deepEqual(analyzer.evaluatedFlows, ['query', 'backup']);
    assert.deepEqual(analyzer.checkedBlocks, ['acl db-acl']);
    // A rule for all protocols can match every flow's packets through db-acl.
    assertSameAsFresh(analyzer, text.replace('inbound  100 allow tcp 5432 from', 'inbound  100 allow all from'));
    assert.deepEqual(analyzer.evaluatedFlows, ['query', 'backup', 'ping', 'dns']);
    // Outside addresses: no packet of a flow between two instances of the VPC has one.
    assertSameAsFresh(analyzer, text);
    assertSameAsFresh(analyzer, text.replace('  inbound  100 allow tcp 5432 from', '  inbound  90 deny all from 192.0.2.0/24\n  inbound  100 allow tcp 5432 from'));
    assert.deepEqual(analyzer.evaluatedFlows, ['backup']);
  });

  it('sees a rule moved out of a block left open, though every declaration outside the block reads the same', () => {
    const open = ROUTED.replace("  outbound 100 allow all to 0.0.0.0/0\n}\nsecurity-group web-sg", "  outbound 100 allow all to 0.0.0.0/0\nsecurity-group web-sg");
    const analyzer = new IncrementalAnalyzer();
    assertSameAsFresh(analyzer, open);
    // The rule now stands before the ACL's header, outside every block: the ACL loses it.
    assertEditSeen(open, open.replace("network-acl db-acl {\n  inbound  100 allow tcp 5432 from 10.0.1.0/24", "  inbound  100 allow tcp 5432 from 10.0.1.0/24\nnetwork-acl db-acl {"));
  });

  it("re-evaluates after a rule edit only the flows for which the rule's side and direction can match", () => {
    const analyzer = new IncrementalAnalyzer();
    assertSameAsFresh(analyzer, ROUTED);
    // db-1 serves 'query' and is the client of 'backup': its group's outbound rules decide 'backup' alone.
    const narrowed = ROUTED.replace('  outbound all to 0.0.0.0/0\n}\ninstance web-1', '  outbound tcp 443 to 0.0.0.0/0\n}\ninstance web-1');
    assertSameAsFresh(analyzer, narrowed);
    assert.deepEqual(analyzer.evaluatedFlows, ['backup']);
    // web is the clients' subnet: its inbound rules judge replies, to source ports, never to port 443.
    assertSameAsFresh(analyzer, narrowed.replace('network-acl web-acl {\n', 'network-acl web-acl {\n  inbound  90 deny tcp 443 from 0.0.0.0/0\n'));
    assert.deepEqual(analyzer.evaluatedFlows, []);
    assertSameAsFresh(analyzer, narrowed.replace('network-acl web-acl {\n', 'network-acl web-acl {\n  inbound  90 deny tcp 40000 from 0.0.0.0/0\n'));
    assert.deepEqual(analyzer.evaluatedFlows, ['out', 'query']);
  });

  it('keys flows by their own fields while the network is unchanged, and still re-evaluates only the matching flows after the network changes', () => {
    const text = `${ROUTED}\nflow ping web-1 -> db-1 icmp type 8 expect deny\nflow dns db-1 -> 10.0.1.10 udp 53 expect deny`;
    const analyzer = new IncrementalAnalyzer();
    assertSameAsFresh(analyzer, text);
    // Lines moving and a flow's edit leave the network as it was: only the edited flow is evaluated.
    const moved = `\n\n${text.replace('udp 53 expect deny', 'udp 54 expect deny')}`;
    assertSameAsFresh(analyzer, moved);
    assert.deepEqual(analyzer.evaluatedFlows, ['dns']);
    assertSameAsFresh(analyzer, `\n${moved}`);
    assert.deepEqual(analyzer.evaluatedFlows, []);
    // The rule edit after them re-evaluates, as before, only the flows its packets can match.
    assertSameAsFresh(analyzer, `\n${moved}`.replace('inbound  100 allow tcp 5432 from', 'inbound  100 allow tcp 5433 from'));
    assert.deepEqual(analyzer.evaluatedFlows, ['query', 'backup']);
  });
});
