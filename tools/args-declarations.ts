// The declarations of components/args.ts, read with the TypeScript compiler API: every interface
// with its fields (name, optionality, type, JSDoc) and every `as const` enum object. The one walk
// of args.ts: the config reference (docs, Pulumi.yaml) and the args JSON Schema generator
// (tools/args-schema.ts) both read the args through it.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PROJECT_DIR } from "./project";

// The sources of the component package in this repository: the docs and the schema describe what they declare.
export const ARGS_FILE = path.join(PROJECT_DIR, "components", "args.ts");
/** The interface of the component's args; every other interface is reached from it. */
export const ROOT_INTERFACE = "VmafxStackArgs";

/** A field's type, as far as args.ts may use types (plain interfaces, no unions, no aliases). */
export type FieldType =
    | { readonly kind: "string" | "number" | "boolean" | "any" }
    | { readonly kind: "array"; readonly items: FieldType }
    /** `{ [key: string]: T }` */
    | { readonly kind: "map"; readonly values: FieldType }
    /** Another interface of args.ts. */
    | { readonly kind: "interface"; readonly name: string }
    /** A string enum declared as an `as const` object of args.ts (like WorkloadKind). */
    | { readonly kind: "enum"; readonly name: string }
    /** `pulumi.Input<T>`: a plain T or a Pulumi Output of one. */
    | { readonly kind: "input"; readonly inner: FieldType };

export interface FieldDecl {
    readonly name: string;
    readonly optional: boolean;
    /** The type as written, whitespace collapsed. */
    readonly typeText: string;
    readonly type: FieldType;
    readonly doc: string;
}

export interface InterfaceDecl {
    readonly name: string;
    readonly doc: string;
    readonly fields: readonly FieldDecl[];
}

export interface EnumDecl {
    readonly name: string;
    readonly doc: string;
    /** The values, in declaration order. */
    readonly values: readonly string[];
}

export interface ArgsDeclarations {
    readonly file: string;
    readonly interfaces: ReadonlyMap<string, InterfaceDecl>;
    readonly enums: ReadonlyMap<string, EnumDecl>;
}

function docOf(node: ts.Node): string {
    return ts
        .getJSDocCommentsAndTags(node)
        .map((d) => (typeof d.comment === "string" ? d.comment : ""))
        .join(" ")
        .trim();
}

/** Reads every interface and `as const` enum object of an args file (components/args.ts by default). */
export function readArgsDeclarations(file: string = ARGS_FILE): ArgsDeclarations {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const where = (node: ts.Node) => {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        return `${path.basename(file)}:${line + 1}`;
    };
    const interfaceNodes: ts.InterfaceDeclaration[] = [];
    const enums = new Map<string, EnumDecl>();
    source.forEachChild((node) => {
        if (ts.isInterfaceDeclaration(node)) interfaceNodes.push(node);
        if (ts.isVariableStatement(node)) {
            for (const d of node.declarationList.declarations) {
                const init = d.initializer;
                if (!ts.isIdentifier(d.name) || !init || !ts.isAsExpression(init) || init.type.getText(source) !== "const") continue;
                if (!ts.isObjectLiteralExpression(init.expression)) continue;
                const values = init.expression.properties.map((p) => {
                    if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.initializer))
                        throw new Error(`${where(p)}: an enum object holds only string literals`);
                    return p.initializer.text;
                });
                enums.set(d.name.text, { name: d.name.text, doc: docOf(node), values });
            }
        }
    });
    const interfaceNames = new Set(interfaceNodes.map((n) => n.name.text));

    const typeOf = (node: ts.TypeNode): FieldType => {
        switch (node.kind) {
            case ts.SyntaxKind.StringKeyword:
                return { kind: "string" };
            case ts.SyntaxKind.NumberKeyword:
                return { kind: "number" };
            case ts.SyntaxKind.BooleanKeyword:
                return { kind: "boolean" };
            case ts.SyntaxKind.AnyKeyword:
                return { kind: "any" };
        }
        if (ts.isArrayTypeNode(node)) return { kind: "array", items: typeOf(node.elementType) };
        if (ts.isTypeLiteralNode(node) && node.members.length === 1) {
            const index = node.members[0];
            if (
                ts.isIndexSignatureDeclaration(index) &&
                index.parameters.length === 1 &&
                index.parameters[0].type?.kind === ts.SyntaxKind.StringKeyword &&
                index.type
            ) {
                return { kind: "map", values: typeOf(index.type) };
            }
        }
        if (ts.isTypeReferenceNode(node)) {
            const name = node.typeName.getText(source);
            if (name === "pulumi.Input" && node.typeArguments?.length === 1) return { kind: "input", inner: typeOf(node.typeArguments[0]) };
            if (!node.typeArguments && interfaceNames.has(name)) return { kind: "interface", name };
            if (!node.typeArguments && enums.has(name)) return { kind: "enum", name };
        }
        throw new Error(
            `${where(node)}: unsupported args type \`${node.getText(source)}\` (args use string, number, boolean, lists, string-keyed maps, interfaces and enum objects of args.ts, and pulumi.Input<T>)`,
        );
    };

    const interfaces = new Map<string, InterfaceDecl>();
    for (const node of interfaceNodes) {
        const fields = node.members.map((m): FieldDecl => {
            if (!ts.isPropertySignature(m) || !ts.isIdentifier(m.name) || !m.type)
                throw new Error(`${where(m)}: args interfaces hold only named, typed properties`);
            return {
                name: m.name.text,
                optional: m.questionToken !== undefined,
                typeText: m.type.getText(source).replace(/\s+/g, " "),
                type: typeOf(m.type),
                doc: docOf(m),
            };
        });
        interfaces.set(node.name.text, { name: node.name.text, doc: docOf(node), fields });
    }
    if (!interfaces.has(ROOT_INTERFACE)) throw new Error(`${file} declares no interface ${ROOT_INTERFACE}`);
    return { file, interfaces, enums };
}
