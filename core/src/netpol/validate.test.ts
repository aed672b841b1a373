import { strict as assert } from "assert";
import { parseK8sCidr } from "../cidr";
import { NetworkPolicyObject, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec, fieldErrorPaths, validateNetworkPolicy } from "./index";

const np = (spec: NetworkPolicySpec, name = "vmafx-test"): NetworkPolicyObject => ({ metadata: { name, namespace: "vmafx" }, spec });
const withPeer = (peer: NetworkPolicyPeer) => np({ podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [peer] }] });
const withPort = (port: NetworkPolicyPort) => np({ podSelector: {}, ingress: [{ ports: [port] }] });
const ipBlock = (cidr: string, except?: string[]) => withPeer({ ipBlock: { cidr, except } });
// The API server's format-error details end with examples and the regex used (validation.RegexError).
const KEY_REGEX = "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX = "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_REGEX = "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe("netpol: validateNetworkPolicy accepts", () => {
    const valid: [string, NetworkPolicyObject][] = [
        ["default deny", np({ podSelector: { matchLabels: { "app.kubernetes.io/name": "vmafx" } }, policyTypes: ["Ingress", "Egress"] })],
        [
            "DNS egress with both selectors and UDP+TCP",
            np({
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                            },
                        ],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            }),
        ],
        ["ipBlock with excepts", ipBlock("0.0.0.0/0", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])],
        ["IPv6 ipBlock with except", ipBlock("2001:db8::/32", ["2001:db8:1::/48"])],
        ["single-address except", ipBlock("10.0.0.0/8", ["10.0.0.1/32"])],
        [
            "port range and named port",
            np({ podSelector: {}, ingress: [{ ports: [{ port: 32000, endPort: 32768 }, { port: "grpc-metrics", protocol: "TCP" }, { protocol: "SCTP" }] }] }),
        ],
        ["endPort equal to port, bounds", withPort({ port: 65535, endPort: 65535 })],
        [
            "every selector operator",
            np({
                podSelector: {
                    matchExpressions: [
                        { key: "tier", operator: "In", values: ["a"] },
                        { key: "example.com/tier", operator: "NotIn", values: ["b", ""] },
                        { key: "x", operator: "Exists" },
                        { key: "y", operator: "DoesNotExist", values: [] },
                    ],
                },
            }),
        ],
    ];
    for (const [title, policy] of valid) {
        it(title, () => assert.deepEqual(validateNetworkPolicy(policy), []));
    }
});

describe("netpol: validateNetworkPolicy rejects", () => {
    const P = "spec.egress[0].to[0]";
    const cases: [string, NetworkPolicyObject, string[]][] = [
        [
            "a bare address as cidr",
            ipBlock("10.0.0.1"),
            [`${P}.ipBlock.cidr: Invalid value: "10.0.0.1": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        ["an empty cidr", ipBlock(""), [`${P}.ipBlock.cidr: Required value`]],
        [
            "prefix 33",
            ipBlock("10.0.0.0/33"),
            [`${P}.ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        [
            "IPv6 prefix 129",
            ipBlock("2001:db8::/129"),
            [`${P}.ipBlock.cidr: Invalid value: "2001:db8::/129": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        [
            "three-part IPv4",
            ipBlock("10.0.0/8"),
            [`${P}.ipBlock.cidr: Invalid value: "10.0.0/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        [
            "hex IPv4",
            ipBlock("0x0a.0.0.0/8"),
            [`${P}.ipBlock.cidr: Invalid value: "0x0a.0.0.0/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        [
            "IPv6 zone",
            ipBlock("fe80::%eth0/64"),
            [`${P}.ipBlock.cidr: Invalid value: "fe80::%eth0/64": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        ["host bits set (strict)", ipBlock("10.0.0.1/8"), [`${P}.ipBlock.cidr: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length`]],
        [
            "leading zeros (strict)",
            ipBlock("010.0.0.0/8"),
            [`${P}.ipBlock.cidr: Invalid value: "010.0.0.0/8": must not have leading 0s in IP or prefix length`],
        ],
        [
            "prefix leading zero (strict)",
            ipBlock("10.0.0.0/08"),
            [`${P}.ipBlock.cidr: Invalid value: "10.0.0.0/08": must not have leading 0s in IP or prefix length`],
        ],
        [
            "IPv4-mapped IPv6 (strict)",
            ipBlock("::ffff:10.0.0.0/104"),
            [`${P}.ipBlock.cidr: Invalid value: "::ffff:10.0.0.0/104": must not have an IPv4-mapped IPv6 address`],
        ],
        [
            "except equal to cidr",
            ipBlock("10.0.0.0/8", ["10.0.0.0/8"]),
            [`${P}.ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of \`cidr\``],
        ],
        [
            "except outside cidr",
            ipBlock("10.0.0.0/8", ["11.0.0.0/16"]),
            [`${P}.ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of \`cidr\``],
        ],
        [
            "except wider than cidr",
            ipBlock("10.1.0.0/16", ["10.0.0.0/8"]),
            [`${P}.ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of \`cidr\``],
        ],
        ["except of the other family", ipBlock("0.0.0.0/0", ["::/1"]), [`${P}.ipBlock.except[0]: Invalid value: "::/1": must be a strict subset of \`cidr\``]],
        [
            "except not a CIDR",
            ipBlock("10.0.0.0/8", ["10.1.0.0"]),
            [`${P}.ipBlock.except[0]: Invalid value: "10.1.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`],
        ],
        ["a peer with nothing", withPeer({}), [`${P}: Required value: must specify a peer`]],
        [
            "ipBlock with a selector",
            withPeer({ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }),
            [`${P}: Forbidden: may not specify both ipBlock and another peer`],
        ],
        [
            "protocol in lower case",
            withPort({ protocol: "tcp", port: 80 }),
            [`spec.ingress[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"`],
        ],
        [
            "protocol ICMP",
            withPort({ protocol: "ICMP" }),
            [`spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"`],
        ],
        ["port 0", withPort({ port: 0 }), [`spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`]],
        ["port 65536", withPort({ port: 65536 }), [`spec.ingress[0].ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive`]],
        ["fractional port", withPort({ port: 80.5 }), [`spec.ingress[0].ports[0].port: Invalid value: 80.5: must be between 1 and 65535, inclusive`]],
        [
            "endPort below port",
            withPort({ port: 32000, endPort: 31999 }),
            [`spec.ingress[0].ports[0].endPort: Invalid value: 31999: must be greater than or equal to \`port\``],
        ],
        [
            "endPort 65536",
            withPort({ port: 32000, endPort: 65536 }),
            [`spec.ingress[0].ports[0].endPort: Invalid value: 65536: must be between 1 and 65535, inclusive`],
        ],
        [
            "endPort with a named port",
            withPort({ port: "grpc", endPort: 9000 }),
            [`spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when \`port\` is non-numeric`],
        ],
        [
            "endPort without port",
            withPort({ endPort: 9000 }),
            [`spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when \`port\` is not specified`],
        ],
        [
            "upper-case port name",
            withPort({ port: "HTTP" }),
            [
                `spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
                `spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain at least one letter (a-z)`,
            ],
        ],
        ["numeric string port", withPort({ port: "8080" }), [`spec.ingress[0].ports[0].port: Invalid value: "8080": must contain at least one letter (a-z)`]],
        [
            "port name with double hyphen",
            withPort({ port: "a--b" }),
            [`spec.ingress[0].ports[0].port: Invalid value: "a--b": must not contain consecutive hyphens`],
        ],
        [
            "port name starting with hyphen",
            withPort({ port: "-ab" }),
            [`spec.ingress[0].ports[0].port: Invalid value: "-ab": must not begin or end with a hyphen`],
        ],
        [
            "port name of 16 chars",
            withPort({ port: "abcdefghijklmnop" }),
            [`spec.ingress[0].ports[0].port: Invalid value: "abcdefghijklmnop": must be no more than 15 characters`],
        ],
        [
            "three policyTypes",
            np({ policyTypes: ["Ingress", "Egress", "Ingress"] }),
            [`spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes`],
        ],
        [
            "lower-case policyType",
            np({ policyTypes: ["ingress"] }),
            [`spec.policyTypes[0]: Unsupported value: "ingress": supported values: "Ingress", "Egress"`],
        ],
        [
            "In without values",
            np({ podSelector: { matchExpressions: [{ key: "a", operator: "In" }] } }),
            [`spec.podSelector.matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`],
        ],
        [
            "Exists with values",
            np({ podSelector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] } }),
            [`spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`],
        ],
        [
            "unknown operator",
            withPeer({ namespaceSelector: { matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] } }),
            [`${P}.namespaceSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator`],
        ],
        [
            "bad label key",
            np({ podSelector: { matchLabels: { "-bad": "x" } } }),
            [
                `spec.podSelector.matchLabels: Invalid value: "-bad": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${KEY_REGEX}`,
            ],
        ],
        [
            "bad label value",
            withPeer({ podSelector: { matchLabels: { app: "a b" } } }),
            [
                `${P}.podSelector.matchLabels: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${VALUE_REGEX}`,
            ],
        ],
        [
            "bad name",
            np({}, "Bad_Name"),
            [
                `metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character ${SUBDOMAIN_REGEX}`,
            ],
        ],
    ];
    for (const [title, policy, want] of cases) {
        it(title, () => assert.deepEqual(validateNetworkPolicy(policy), want));
    }

    it("reports every error with its path, in ingress and egress", () => {
        const policy = np({
            podSelector: {},
            ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }], ports: [{ port: 0 }] }],
            egress: [{ to: [{}, { ipBlock: { cidr: "::/0", except: ["2001:db8::/32", "10.0.0.0/8"] } }] }],
        });
        assert.deepEqual(
            validateNetworkPolicy(policy).map((e) => e.split(":")[0]),
            ["spec.ingress[0].ports[0].port", "spec.ingress[0].from[0].ipBlock.except[0]", "spec.egress[0].to[0]", "spec.egress[0].to[1].ipBlock.except[1]"],
        );
    });

    it("an except of the other family fails, also against an IPv4-mapped cidr (the prefix lengths as written decide)", () => {
        const subset = (i: number) => `${P}.ipBlock.except[${i}]: Invalid value: "10.0.0.0/8": must be a strict subset of \`cidr\``;
        assert.deepEqual(validateNetworkPolicy(ipBlock("2001:db8::/32", ["10.0.0.0/8"])), [subset(0)]);
        assert.deepEqual(validateNetworkPolicy(ipBlock("::/0", ["2001:db8::/32", "10.0.0.0/8"])), [subset(1)]);
        // ::ffff:0.0.0.0/96 is 0.0.0.0/0 to the address check, but /96 is not shorter than /8.
        assert.deepEqual(validateNetworkPolicy(ipBlock("::ffff:0.0.0.0/96", ["10.0.0.0/8"]), { strictCidr: false }), [subset(0)]);
        assert.deepEqual(validateNetworkPolicy(ipBlock("::ffff:0.0.0.0/96", ["10.0.0.0/8"])), [
            `${P}.ipBlock.cidr: Invalid value: "::ffff:0.0.0.0/96": must not have an IPv4-mapped IPv6 address`,
            subset(0),
        ]);
        // The other way round the written /104 is longer than /8 and its address lies inside: accepted (strict mode rejects the form).
        assert.deepEqual(validateNetworkPolicy(ipBlock("10.0.0.0/8", ["::ffff:10.0.0.0/104"]), { strictCidr: false }), []);
        assert.deepEqual(validateNetworkPolicy(ipBlock("10.0.0.0/8", ["::ffff:10.1.0.0/112"])), [
            `${P}.ipBlock.except[0]: Invalid value: "::ffff:10.1.0.0/112": must not have an IPv4-mapped IPv6 address`,
        ]);
    });

    it("object metadata: generateName, namespace, labels, annotations, finalizers", () => {
        const policy = np({});
        policy.metadata = {
            name: "",
            generateName: "Bad-",
            namespace: "a.b",
            labels: { "example.com/": "x", ok: "-v" },
            annotations: { "Example.COM/Fine": "1", "two/slash/es": "x" },
            finalizers: ["kubernetes", "example.com/ok", "custom", "orphan", "foregroundDeletion"],
        };
        assert.deepEqual(validateNetworkPolicy(policy), [
            `metadata.generateName: Invalid value: "Bad-": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character ${SUBDOMAIN_REGEX}`,
            `metadata.name: Required value: name or generateName is required`,
            `metadata.namespace: Invalid value: "a.b": must not contain dots`,
            `metadata.labels: Invalid value: "example.com/": name part must be non-empty`,
            `metadata.labels: Invalid value: "example.com/": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${KEY_REGEX}`,
            `metadata.labels: Invalid value: "-v": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${VALUE_REGEX}`,
            `metadata.annotations: Invalid value: "two/slash/es": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${KEY_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
            `metadata.finalizers: Invalid value: ["kubernetes","example.com/ok","custom","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set`,
            `metadata.finalizers[2]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`,
        ]);
        policy.metadata = { name: "ok", annotations: { big: "x".repeat(256 * 1024) } };
        assert.deepEqual(validateNetworkPolicy(policy), [`metadata.annotations: Too long: may not be more than 262144 bytes`]);
        policy.metadata = { name: "x".repeat(254), generateName: "fine-" };
        assert.deepEqual(validateNetworkPolicy(policy), [`metadata.name: Invalid value: "${"x".repeat(254)}": must be no more than 253 characters`]);
    });

    it("label key prefix and name lengths count bytes, as the API server does", () => {
        const long = `${"a".repeat(62)}é`;
        assert.deepEqual(validateNetworkPolicy(np({ podSelector: { matchLabels: { [long]: "" } } })), [
            `spec.podSelector.matchLabels: Invalid value: "${long}": name part must be no more than 63 bytes`,
            `spec.podSelector.matchLabels: Invalid value: "${long}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${KEY_REGEX}`,
        ]);
    });

    it("fieldErrorPaths reads the paths of our messages and of the API server's report", () => {
        const server = [
            'The NetworkPolicy "x" is invalid: ',
            '* metadata.name: Invalid value: "X": a lowercase RFC 1123 subdomain must consist of ...',
            "* spec.egress[0].to[3].ipBlock.cidr: Required value",
            "* spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer",
        ].join("\n");
        assert.deepEqual(fieldErrorPaths(server), ["metadata.name", "spec.egress[0].to[3].ipBlock.cidr", "spec.ingress[0].from[0]"]);
        assert.deepEqual(
            fieldErrorPaths('The NetworkPolicy "x" is invalid: spec.policyTypes[0]: Unsupported value: "ingress": supported values: "Ingress", "Egress"'),
            ["spec.policyTypes[0]"],
        );
        assert.deepEqual(fieldErrorPaths(validateNetworkPolicy(withPort({ port: 0, endPort: 70000 })).join("\n")), [
            "spec.ingress[0].ports[0].port",
            "spec.ingress[0].ports[0].endPort",
        ]);
        assert.deepEqual(fieldErrorPaths("no errors here: Invalid value"), []);
    });

    it("legacy CIDR forms pass with strictCidr: false, and garbage still fails", () => {
        for (const cidr of ["10.0.0.1/8", "010.0.0.0/8", "10.0.0.0/08", "::ffff:10.0.0.0/104"]) {
            assert.deepEqual(validateNetworkPolicy(ipBlock(cidr), { strictCidr: false }), [], cidr);
            assert.equal(validateNetworkPolicy(ipBlock(cidr)).length, 1, cidr);
        }
        assert.equal(validateNetworkPolicy(ipBlock("10.0.0/8"), { strictCidr: false }).length, 1);
    });
});

describe("netpol: parseK8sCidr", () => {
    const cases: [string, string | undefined][] = [
        ["10.0.0.0/8", "10.0.0.0/8"],
        ["192.168.1.77/24", "192.168.1.0/24"],
        ["010.001.0.0/16", "10.1.0.0/16"],
        ["2001:DB8::/32", "2001:db8::/32"],
        ["64:ff9b::192.0.2.0/120", "64:ff9b::c000:200/120"],
        ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
        ["::ffff:0:0/80", "::/80"],
        ["1:2:3:4:5:6:7::/112", "1:2:3:4:5:6:7:0/112"],
        ["1:2:3:4:5:6:7:8::/128", undefined],
        ["1::2::/64", undefined],
        ["12345::/16", undefined],
        ["10.0.0.256/32", undefined],
        ["10.0.0.0/-1", undefined],
        ["10.0.0.0/", undefined],
    ];
    for (const [text, want] of cases) {
        it(`${text} -> ${want ?? "invalid"}`, () => {
            const parsed = parseK8sCidr(text);
            assert.equal(parsed.cidr ? `${parsed.cidr.address.toString()}/${parsed.cidr.prefixLength}` : undefined, want);
            assert.equal(parsed.error === undefined, want !== undefined);
        });
    }
});
