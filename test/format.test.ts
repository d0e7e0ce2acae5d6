import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { analyze, Analysis } from '../server/src/engine/analyze';
import { formatEdits, formatText } from '../server/src/syntax/format';
import { applyEdits } from './apply-edits';
import { randomModel } from './naive/random-model';

const ROOT = join(__dirname, '..', '..');

function vpcrulesFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? vpcrulesFiles(path) : entry.name.endsWith('.vpcrules') ? [path] : [];
  });
}

function lines(...text: string[]): string {
  return text.map((line) => `${line}\n`).join('');
}

/** What a model means: its declarations, the codes it is diagnosed with and its flows' verdicts. */
function meaning(analysis: Analysis) {
  return {
    declarations: analysis.file.declarations.map((decl) => `${decl.kind} ${decl.name?.text ?? ''}`),
    codes: analysis.diagnostics.map((d) => d.code).sort(),
    verdicts: analysis.flows.map((flow) => `${flow.flow.name}: ${flow.verdict}`),
  };
}

describe('formatter', () => {
  it('indents blocks, aligns rule columns and normalises spacing', () => {
    const input = lines(
      'vpc   prod 10.0.0.0/16   ',
      'subnet web 10.0.1.0/24    acl web-acl',
      'network-acl web-acl   {',
      'inbound 100 allow tcp 443 from 0.0.0.0/0',
      '      outbound 90 deny 6 22 to 10.0.0.0/8',
      ' inbound 1100   allow icmp type 0 code 0 from 10.0.0.0/16',
      '}',
      'security-group web-sg{',
      '\tinbound tcp 443 from 0.0.0.0/0 "public HTTPS"',
      '    outbound tcp 8080 to sg app-sg',
      '  outbound all to pl office',
      '}',
      'instance web-1 subnet web ip 10.0.1.10 groups web-sg ,  app-sg',
      'flow f  web-1->10.0.2.0/24 tcp 80 expect allow',
    );
    assert.equal(formatText(input), lines(
      'vpc prod 10.0.0.0/16',
      'subnet web 10.0.1.0/24 acl web-acl',
      'network-acl web-acl {',
      '  inbound   100 allow tcp  443           from 0.0.0.0/0',
      '  outbound   90 deny  6    22            to   10.0.0.0/8',
      '  inbound  1100 allow icmp type 0 code 0 from 10.0.0.0/16',
      '}',
      'security-group web-sg {',
      '  inbound  tcp 443  from 0.0.0.0/0 "public HTTPS"',
      '  outbound tcp 8080 to   sg app-sg',
      '  outbound all      to   pl office',
      '}',
      'instance web-1 subnet web ip 10.0.1.10 groups web-sg,app-sg',
      'flow f web-1 -> 10.0.2.0/24 tcp 80 expect allow',
    ));
  });

  it('writes the routing forms canonically, aligning the columns of each route table', () => {
    const input = lines(
      'internet-gateway   igw',
      'subnet  a 10.0.1.0/24   routes rt  acl x',
      'nat-gateway n subnet a   ip 10.0.1.5 public-ip 203.0.113.10',
      'route-table  rt   main{',
      'route 0.0.0.0/0->igw igw',
      '   route ::/0    ->   eigw eigw   # IPv6',
      ' route 10.0.3.0/24 -> unmodelled    "transit gateway"',
      '    route 10.9.0.0/16  -> igx igw',
      '}',
      'route-table e edge igw { route 10.0.0.0/16 -> local }',
      'instance web-1 subnet a ip 10.0.1.10   public-ip   203.0.113.20',
    );
    assert.equal(formatText(input), lines(
      'internet-gateway igw',
      'subnet a 10.0.1.0/24 routes rt acl x',
      'nat-gateway n subnet a ip 10.0.1.5 public-ip 203.0.113.10',
      'route-table rt main {',
      '  route 0.0.0.0/0   -> igw igw',
      '  route ::/0        -> eigw eigw # IPv6',
      '  route 10.0.3.0/24 -> unmodelled "transit gateway"',
      '    route 10.9.0.0/16  -> igx igw',
      '}',
      'route-table e edge igw {',
      '  route 10.0.0.0/16 -> local',
      '}',
      'instance web-1 subnet a ip 10.0.1.10 public-ip 203.0.113.20',
    ));
  });

  it('writes the firewall forms canonically, aligning the columns of stateless rules and keeping Suricata rules as written', () => {
    const input = lines(
      'firewall   fw-a subnet  fw-sub   policy egress',
      'firewall-policy egress{',
      'stateless-default    forward',
      '      stateless strict-in   priority 10',
      '  stateful-default drop-strict ,  alert-strict',
      '}',
      'stateless-rule-group strict-in {',
      'rule 10 drop tcp , udp from 10.0.0.0/8 , 192.168.0.0/16 port 1024-65535 to any port 22,3389',
      '    rule 200   forward all from any to any   # the rest',
      '}',
      'stateful-rule-group web-out { pass  tcp  $HOME_NET any ->  any 443 (msg:"web out";sid:10;) }',
      'stateful-rule-group more {',
      '\tdrop tcp [ 10.0.0.0/8 , ! 10.0.1.0/24 ]  [1024: , !2000:3000]<>! $EXTERNAL_NET 80-90 (  msg : "two  spaces;  kept" ; sid:11 ;flow: to_server ,  established; )',
      '  alert  http any any -> any any # no options',
      '}',
    );
    assert.equal(formatText(input), lines(
      'firewall fw-a subnet fw-sub policy egress',
      'firewall-policy egress {',
      '  stateless-default forward',
      '  stateless strict-in priority 10',
      '  stateful-default drop-strict,alert-strict',
      '}',
      'stateless-rule-group strict-in {',
      '  rule  10 drop    tcp,udp from 10.0.0.0/8,192.168.0.0/16 port 1024-65535 to any port 22,3389',
      '  rule 200 forward all     from any                                       to any # the rest',
      '}',
      'stateful-rule-group web-out {',
      '  pass tcp $HOME_NET any -> any 443 (msg:"web out"; sid:10;)',
      '}',
      'stateful-rule-group more {',
      '  drop tcp [10.0.0.0/8,!10.0.1.0/24] [1024:,!2000:3000] <> !$EXTERNAL_NET 80-90 (msg:"two  spaces;  kept"; sid:11; flow:to_server , established;)',
      '  alert http any any -> any any # no options',
      '}',
    ));
  });

  it('keeps the syntax tree of the firewall forms, and leaves a broken Suricata rule as written', () => {
    const withoutRanges = (text: string) => JSON.stringify(analyze(text).file.declarations, (key, value) =>
      (key === 'range' ? undefined : typeof value === 'bigint' ? String(value) : value));
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'parser', 'firewall-forms.vpcrules'), 'utf8');
    const formatted = formatText(text);
    assert.notEqual(formatted, text);
    assert.equal(withoutRanges(formatted), withoutRanges(text));
    const broken = lines('stateful-rule-group g {', '  pass  tcp any  any -> any any (msg:"x";  sid:1)', '}');
    assert.equal(formatText(broken), broken);
  });

  it('keeps comments, collapses blank lines and ends with one newline', () => {
    const input = '\n\n# the VPC   \nvpc prod 10.0.0.0/16 # main block\n\n\n\nsecurity-group a {\n# why this rule\n  inbound tcp 22 from 10.0.0.0/8   # bastion\n\n\n}\n\n\n';
    assert.equal(formatText(input), lines(
      '# the VPC',
      'vpc prod 10.0.0.0/16 # main block',
      '',
      'security-group a {',
      '  # why this rule',
      '  inbound tcp 22 from 10.0.0.0/8 # bastion',
      '',
      '}',
    ));
  });

  it('writes address lists as groups lists: commas without spaces', () => {
    const input = lines(
      'vpc prod 10.0.0.0/16 2600:1f18::/56',
      'subnet web 10.0.1.0/24 2600:1f18:0:1::/64',
      'instance web-1 subnet web ip 10.0.1.10 ,10.0.1.11,  10.0.1.12   ip6 2600:1f18:0:1::10 , 2600:1f18:0:1::11 groups a, b',
    );
    assert.equal(formatText(input), lines(
      'vpc prod 10.0.0.0/16 2600:1f18::/56',
      'subnet web 10.0.1.0/24 2600:1f18:0:1::/64',
      'instance web-1 subnet web ip 10.0.1.10,10.0.1.11,10.0.1.12 ip6 2600:1f18:0:1::10,2600:1f18:0:1::11 groups a,b',
    ));
  });

  it('puts the rules of a one-line block on their own lines', () => {
    assert.equal(formatText('security-group a { inbound tcp 80 from 10.0.0.0/8 }  # web\nsecurity-group b {}\n'), lines(
      'security-group a {',
      '  inbound tcp 80 from 10.0.0.0/8',
      '} # web',
      'security-group b {',
      '}',
    ));
  });

  it('leaves the lines it cannot parse exactly as written', () => {
    const input = lines(
      'vpc  main 10.0.0.0/16',
      'subnt   b 10.0.2.0/24   ',
      'security-group sg1 {',
      '      inbund tcp 22  from 10.0.0.0/8',
      '        inbound tcp 22 from 10.0.0.0/8',
      '}',
      'flow f2 i1 => i2 tcp 80 expect allow',
    );
    assert.equal(formatText(input), lines(
      'vpc main 10.0.0.0/16',
      'subnt   b 10.0.2.0/24   ',
      'security-group sg1 {',
      '      inbund tcp 22  from 10.0.0.0/8',
      '  inbound tcp 22 from 10.0.0.0/8',
      '}',
      'flow f2 i1 => i2 tcp 80 expect allow',
    ));
  });

  it('keeps the rules of an unclosed block in the block, as the parser reads them', () => {
    const input = 'security-group a {\ninbound tcp 22 from 10.0.0.0/8\nnetwork-acl n {\ninbound 100 allow all from 0.0.0.0/0\n';
    assert.equal(formatText(input), lines(
      'security-group a {',
      '  inbound tcp 22 from 10.0.0.0/8',
      'network-acl n {',
      '  inbound 100 allow all from 0.0.0.0/0',
    ));
  });

  it('keeps Windows line endings', () => {
    assert.equal(formatText('vpc  a 10.0.0.0/16\r\nsubnet b 10.0.1.0/24\r\n'), 'vpc a 10.0.0.0/16\r\nsubnet b 10.0.1.0/24\r\n');
  });

  it('breaks lines at a lone carriage return, as the parser does, and writes them as \\n', () => {
    assert.equal(formatText('vpc  a 10.0.0.0/16\rsecurity-group s {\r inbound tcp 22 from 10.0.0.0/8 # x\r}\r'), lines(
      'vpc a 10.0.0.0/16',
      'security-group s {',
      '  inbound tcp 22 from 10.0.0.0/8 # x',
      '}',
    ));
  });

  it('offers no edit for a formatted text and one edit for the changed lines otherwise', () => {
    const formatted = lines('vpc a 10.0.0.0/16', 'subnet b 10.0.1.0/24', 'subnet c 10.0.2.0/24');
    assert.deepEqual(formatEdits(formatted), []);
    const messy = lines('vpc a 10.0.0.0/16', 'subnet   b 10.0.1.0/24', '', '', 'subnet c 10.0.2.0/24');
    const edits = formatEdits(messy);
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0].range, { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } });
    assert.equal(applyEdits(messy, edits), formatText(messy));
  });

  it('formats an empty or blank text to nothing', () => {
    assert.equal(formatText(''), '');
    assert.equal(formatText('\n  \n\t\n'), '');
  });

  describe('is idempotent on every file of the repository', () => {
    for (const path of [...vpcrulesFiles(join(ROOT, 'test', 'fixtures')), ...vpcrulesFiles(join(ROOT, 'examples'))]) {
      it(path.slice(ROOT.length + 1), () => {
        const text = readFileSync(path, 'utf8');
        const once = formatText(text);
        assert.equal(formatText(once), once);
        assert.deepEqual(meaning(analyze(once)).verdicts, meaning(analyze(text)).verdicts);
        assert.deepEqual(meaning(analyze(once)).declarations, meaning(analyze(text)).declarations);
        assert.deepEqual(applyEdits(text, formatEdits(text)), once);
      });
    }
  });

  it('keeps the meaning of random models whatever their spacing, and is idempotent', () => {
    // Extra spaces between tokens and random indentation, outside the quoted descriptions.
    const messUp = (text: string, spaces: number[]) => text.split('\n').map((line, i) => {
      const pad = ' '.repeat(spaces[i % spaces.length]);
      return pad + line.split('"').map((part, j) => (j % 2 === 0 ? part.replace(/ +/g, ` ${pad}`) : part)).join('"') + pad;
    }).join('\n');
    fc.assert(fc.property(randomModel(), fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 7 }), (model, spaces) => {
      const messy = messUp(model.text, spaces);
      const formatted = formatText(messy);
      assert.equal(formatText(formatted), formatted);
      assert.deepEqual(meaning(analyze(formatted)), meaning(analyze(model.text)));
      assert.ok(!/[ \t]$/m.test(formatted), 'trailing whitespace');
    }), { seed: 20240611, numRuns: 150 });
  });
});
