// The syntax tree of the AWS Network Firewall forms: firewalls, policies, stateless rule groups and
// stateful rule groups of Suricata rules. Their diagnostics are pinned in
// test/fixtures/parser/firewall-recovery.vpcrules; every form is in firewall-forms.vpcrules.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Declaration, FirewallDecl, FirewallPolicyDecl, Range, StatefulRuleGroupDecl, StatelessRuleGroupDecl, SuricataAddress, SuricataPort,
} from '../server/src/syntax/ast';
import { lexLine, Token } from '../server/src/syntax/lexer';
import { lexSourceLine, parse } from '../server/src/syntax/parser';
import { formatOptions, splitOptions } from '../server/src/syntax/suricata-options';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'parser');

function declarations(text: string): Declaration[] {
  return parse(text).file.declarations;
}

function only<K extends Declaration['kind']>(text: string, kind: K): Extract<Declaration, { kind: K }> {
  const found = declarations(text).filter((decl): decl is Extract<Declaration, { kind: K }> => decl.kind === kind);
  assert.equal(found.length, 1, `one ${kind} in ${JSON.stringify(text)}`);
  return found[0];
}

/** The text a single-line range covers. */
function slice(text: string, range: Range): string {
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
}

/** A Suricata address as the spec writes it, from the tree. */
function address(node: SuricataAddress | undefined): string {
  if (!node) return '?';
  const bang = node.negated ? '!' : '';
  switch (node.kind) {
    case 'any': return `${bang}any`;
    case 'variable': return `${bang}$${node.name}`;
    case 'cidr': return `${bang}${node.cidr.text}`;
    case 'list': return `${bang}[${node.items.map(address).join(',')}]`;
  }
}

function port(node: SuricataPort | undefined): string {
  if (!node) return '?';
  const bang = node.negated ? '!' : '';
  switch (node.kind) {
    case 'any': return `${bang}any`;
    case 'range': return `${bang}${node.from === node.to ? node.from : `${node.from}..${node.to}`}`;
    case 'list': return `${bang}[${node.items.map(port).join(',')}]`;
  }
}

function stateful(rule: string): StatefulRuleGroupDecl {
  return only(`stateful-rule-group g {\n  ${rule}\n}\n`, 'stateful-rule-group');
}

describe('firewall syntax', () => {
  it('reads a firewall, its clauses in any order', () => {
    for (const text of ['firewall fw subnet s policy p\n', 'firewall fw policy p subnet s\n']) {
      const firewall: FirewallDecl = only(text, 'firewall');
      assert.deepEqual([firewall.name?.text, firewall.subnet?.text, firewall.policy?.text], ['fw', 's', 'p'], text);
      assert.deepEqual(parse(text).diagnostics, []);
    }
  });

  it('reads every statement of a policy, in order', () => {
    const text = [
      'firewall-policy p {',
      '  stateless-default forward',
      '  stateless a priority 10',
      '  stateful b',
      '  stateful c priority 2',
      '  stateful-order strict',
      '  stateful-default drop-established,alert-strict',
      '}',
    ].join('\n');
    const policy: FirewallPolicyDecl = only(text, 'firewall-policy');
    assert.deepEqual(parse(text).diagnostics, []);
    assert.deepEqual(policy.statements.map((statement) => {
      switch (statement.kind) {
        case 'stateless-default': return [statement.kind, statement.action?.value];
        case 'stateless': case 'stateful': return [statement.kind, statement.group?.text, statement.priority?.value];
        case 'stateful-order': return [statement.kind, statement.order?.value];
        case 'stateful-default': return [statement.kind, ...statement.actions.map((action) => action.value)];
      }
    }), [
      ['stateless-default', 'forward'], ['stateless', 'a', 10], ['stateful', 'b', undefined], ['stateful', 'c', 2],
      ['stateful-order', 'strict'], ['stateful-default', 'drop-established', 'alert-strict'],
    ]);
    assert.equal(slice(text, policy.statements[1].range), 'stateless a priority 10');
    assert.equal(policy.range.end.line, 7);
  });

  it('reads stateless rules: priorities, actions, protocol lists, addresses and port lists', () => {
    const text = [
      'stateless-rule-group g {',
      '  rule 10 drop tcp,udp from 10.0.0.0/8,192.168.0.5 port 1024-65535 to any port 22,3389',
      '  rule 20 forward all from any to ::/0',
      '  rule 65535 pass 6,47 from any to any port 443',
      '}',
    ].join('\n');
    const group: StatelessRuleGroupDecl = only(text, 'stateless-rule-group');
    assert.deepEqual(parse(text).diagnostics, []);
    const [first, second, third] = group.rules;
    assert.deepEqual([first.priority?.value, first.action?.value, first.protocols.map((p) => [p.text, p.number])], [10, 'drop', [['tcp', 6], ['udp', 17]]]);
    assert.deepEqual(first.sources?.kind === 'cidrs' && first.sources.cidrs.map((cidr) => [cidr.text, cidr.prefix]), [['10.0.0.0/8', 8], ['192.168.0.5', 32]]);
    assert.deepEqual(first.sourcePorts?.map((p) => [p.from, p.to]), [[1024, 65535]]);
    assert.equal(first.destinations?.kind, 'any');
    assert.deepEqual(first.destinationPorts?.map((p) => [p.from, p.to]), [[22, 22], [3389, 3389]]);
    assert.equal(slice(text, first.sources!.range), '10.0.0.0/8,192.168.0.5');
    assert.deepEqual([second.protocols.map((p) => p.number), second.sourcePorts, second.destinationPorts], [[-1], undefined, undefined]);
    assert.deepEqual([third.priority?.value, third.protocols.map((p) => p.number)], [65535, [6, 47]]);
  });

  it('reads a Suricata rule header exactly as AWS Network Firewall takes it', () => {
    const rule = 'pass tcp $HOME_NET any -> any 443 (msg:"web out"; flow:to_server,established; sid:10; rev:1;)';
    const group = stateful(rule);
    assert.deepEqual(parse(`stateful-rule-group g {\n  ${rule}\n}\n`).diagnostics, []);
    const [parsed] = group.rules;
    assert.deepEqual([parsed.action?.value, parsed.protocol?.text, address(parsed.source), port(parsed.sourcePort), parsed.direction?.value,
      address(parsed.destination), port(parsed.destinationPort)], ['pass', 'tcp', '$HOME_NET', 'any', '->', 'any', '443']);
    assert.deepEqual(parsed.options.map((option) => [option.key.text, option.value?.text]), [
      ['msg', 'web out'], ['flow', 'to_server,established'], ['sid', '10'], ['rev', '1'],
    ]);
  });

  it('reads addresses and ports: negations, nested lists with spaces, N:M, N:, N-M', () => {
    const [rule] = stateful('drop ip ![$HOME_NET, [192.168.0.0/16, !192.168.1.0/24]] [1024:, !2000:3000] <> [10.0.0.5,2600:1f18::/56] ![0:1023,8080-8090]').rules;
    assert.equal(address(rule.source), '![$HOME_NET,[192.168.0.0/16,!192.168.1.0/24]]');
    assert.equal(port(rule.sourcePort), '[1024..65535,!2000..3000]');
    assert.equal(rule.direction?.value, '<>');
    assert.equal(address(rule.destination), '[10.0.0.5,2600:1f18::/56]');
    assert.equal(port(rule.destinationPort), '![0..1023,8080..8090]');
    assert.equal(rule.options.length, 0);
  });

  it('records any word as the protocol: application protocols are for the engine to judge', () => {
    for (const protocol of ['ip', 'icmp', 'http', 'tls', 'dns', 'tcp-pkt']) {
      assert.equal(stateful(`alert ${protocol} any any -> any any (sid:1;)`).rules[0].protocol?.text, protocol);
    }
  });

  it("reads option values: quotes removed, escapes read, ';' ':' ')' and '#' inside quotes", () => {
    const rule = String.raw`pass tls any any -> any any (msg:"a; b: (c) #d \"e\""; tls.sni; content:"x\;y"; metadata: owner net ,  created 2026 ;)`;
    const text = `stateful-rule-group g {\n  ${rule} # a comment\n}\n`;
    const result = parse(text);
    assert.deepEqual(result.diagnostics, []);
    const [parsed] = (result.file.declarations[0] as StatefulRuleGroupDecl).rules;
    assert.deepEqual(parsed.options.map((option) => [option.key.text, option.value?.text]), [
      ['msg', 'a; b: (c) #d "e"'], ['tls.sni', undefined], ['content', 'x;y'], ['metadata', 'owner net ,  created 2026'],
    ]);
    assert.equal(slice(text, parsed.options[0].value!.range), String.raw`"a; b: (c) #d \"e\""`);
    assert.equal(slice(text, parsed.options[0].range), String.raw`msg:"a; b: (c) #d \"e\""`);
    assert.deepEqual(result.file.comments.map((comment) => comment.text), ['# a comment']);
  });

  it('reads a rule after the brace of a one-line group as a Suricata rule', () => {
    const text = 'stateful-rule-group g { pass tcp $HOME_NET any -> any 80 (msg:"#"; sid:1;) } # end\n';
    const group: StatefulRuleGroupDecl = only(text, 'stateful-rule-group');
    assert.deepEqual(parse(text).diagnostics, []);
    assert.deepEqual(group.rules.map((rule) => address(rule.source)), ['$HOME_NET']);
    assert.deepEqual(parse(text).file.comments.map((comment) => comment.text), ['# end']);
  });

  it('keeps the rules between broken lines, and the blocks and declarations after them', () => {
    const text = readFileSync(join(FIXTURES, 'firewall-recovery.vpcrules'), 'utf8');
    const decls = parse(text).file.declarations;
    const named = <K extends Declaration['kind']>(kind: K, name: string) =>
      decls.find((decl): decl is Extract<Declaration, { kind: K }> => decl.kind === kind && decl.name?.text === name)!;
    assert.deepEqual(named('stateless-rule-group', 'strict-in').rules.slice(-1).map((rule) => [rule.priority?.value, rule.action?.value]), [[130, 'drop']]);
    const webOut = named('stateful-rule-group', 'web-out');
    assert.deepEqual(webOut.rules.slice(-1).map((rule) => rule.options.map((option) => option.value?.text)), [['still read', '6']]);
    // A bad option is reported, and the rule keeps its other options.
    assert.ok(webOut.rules.some((rule) => rule.options.some((option) => option.key.text === 'sid' && option.value?.text === 'abc')));
    assert.equal(named('stateful-rule-group', 'app-protocols').rules.length, 1);
    assert.ok(named('instance', 'app-2'));
    const defaults = named('firewall-policy', 'egress').statements.flatMap((statement) => (statement.kind === 'stateless-default' ? [statement.action?.value] : []));
    assert.deepEqual(defaults, [undefined, 'forward']);
  });

  it('reads every form of firewall-forms.vpcrules without a diagnostic', () => {
    const text = readFileSync(join(FIXTURES, 'firewall-forms.vpcrules'), 'utf8');
    const result = parse(text);
    assert.deepEqual(result.diagnostics, []);
    const count = (kind: Declaration['kind']) => result.file.declarations.filter((decl) => decl.kind === kind).length;
    assert.deepEqual([count('firewall'), count('firewall-policy'), count('stateless-rule-group'), count('stateful-rule-group')], [2, 3, 2, 3]);
  });
});

describe('Suricata lines', () => {
  const lexed = (text: string, inRuleGroup: boolean) => {
    const tokens: Token[] = [];
    lexSourceLine(text, 0, inRuleGroup, tokens, []);
    return tokens.map((token) => `${token.kind}:${token.text}`);
  };

  it('are lexed with $VAR, !, [ ], <>, N:M and the options as one token', () => {
    assert.deepEqual(lexed('drop tcp !$HOME_NET [1024:,80] <> any 1:2 (msg:"#)";)', true), [
      'word:drop', 'word:tcp', 'bang:!', 'variable:$HOME_NET', 'lbracket:[', 'portRange:1024:', 'comma:,', 'number:80', 'rbracket:]',
      'arrow:<>', 'word:any', 'portRange:1:2', 'options:(msg:"#)";)',
    ]);
  });

  it('are lexed as the language when they start a declaration, and outside rule groups', () => {
    assert.deepEqual(lexed('subnet a 2600:1f18::/64', true), ['word:subnet', 'word:a', 'ipv6:2600:1f18::/64']);
    const tokens: Token[] = [];
    lexLine('pass $X (a)', 0, 11, 0, tokens, []);
    assert.ok(tokens.every((token) => token.kind === 'word' || token.kind === 'invalid'));
  });

  it('report unterminated options and strings in them', () => {
    const tokens: Token[] = [];
    lexSourceLine('pass tcp any any -> any any (msg:"a)', 0, true, tokens, []);
    assert.equal(tokens[tokens.length - 1].problem, 'unterminated string in the options: add the closing "');
  });

  it('have their options split at the semicolons outside quotes, and written canonically', () => {
    assert.deepEqual(splitOptions('( msg : "a;b" ;sid:1;nocase;  )').map((option) => [option.key, option.value, option.terminated]), [
      ['msg', '"a;b"', true], ['sid', '1', true], ['nocase', undefined, true],
    ]);
    assert.equal(formatOptions('( msg : "a ;  b" ;sid:1;nocase;  metadata:  x   y ,z;)'), '(msg:"a ;  b"; sid:1; nocase; metadata:x y ,z;)');
    assert.equal(formatOptions('()'), '()');
  });
});
