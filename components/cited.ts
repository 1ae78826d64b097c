import * as pulumi from "@pulumi/pulumi";

/** URNs of cited children, the form the offline recorder keeps (tools never look children up by name). */
export function citedUrns(cited: Partial<Record<string, pulumi.Resource>>): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    Object.entries(cited)
      .filter(([, r]) => r !== undefined)
      .map(([k, r]) => [k, r!.urn]),
  );
}
