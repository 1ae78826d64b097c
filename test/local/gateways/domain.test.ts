import * as assert from "assert";
import type { LocalGateway } from "../../../local/gateways/gateway";
import { router } from "../../../local/gateways/domain";

describe("local gateways: a custom domain's API mappings", () => {
  const gateway = (name: string, basePath: string, api?: LocalGateway["api"]): LocalGateway => ({
    describe: name,
    basePath,
    invokeUrl: "",
    api,
    handle: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0) }),
  });
  const rest = gateway("rest v1", "/v1", { id: "restapi001", stage: "v1", executeApiEndpoint: false });
  const http = gateway("http $default", "", { id: "httpapi001", stage: "$default", executeApiEndpoint: false });
  const where = (route: ReturnType<typeof router>, path: string) => {
    const found = route(path);
    return found && `${found.gateway.describe} ${found.path}`;
  };

  it(
    "given a mapping at the domain's root to a REST stage, when paths are routed, then each goes to the " +
      "stage without its name, and the stage's own base path is no longer one",
    () => {
      const route = router([rest], {
        name: "api.example.com",
        mappings: [{ apiId: "restapi001", stage: "v1", key: "" }],
      });
      assert.equal(where(route, "/notes/1"), "rest v1 /notes/1");
      assert.equal(where(route, "/"), "rest v1 /");
      assert.equal(
        where(route, "/v1/notes"),
        "rest v1 /v1/notes",
        "the execute-api endpoint is off: /v1 is a path of the stage",
      );
    },
  );

  it(
    "given mappings under keys, when paths are routed, then the longest whole-segment key takes each, and a " +
      "path no mapping takes is no one's",
    () => {
      const route = router([rest, http], {
        name: "api.example.com",
        mappings: [
          { apiId: "restapi001", stage: "v1", key: "orders" },
          { apiId: "httpapi001", stage: "$default", key: "orders/v2" },
        ],
      });
      assert.equal(where(route, "/orders/v2/notes"), "http $default /notes");
      assert.equal(where(route, "/orders/notes"), "rest v1 /notes");
      assert.equal(where(route, "/orders"), "rest v1 /");
      assert.equal(where(route, "/ordersx/notes"), undefined);
    },
  );

  it("given no custom domain, when paths are routed, then each stage is reached under its base path", () => {
    const on = gateway("rest v1", "/v1", { id: "restapi001", stage: "v1", executeApiEndpoint: true });
    assert.equal(where(router([on]), "/v1/notes"), "rest v1 /notes");
    assert.equal(where(router([on]), "/v2/notes"), undefined);
  });
});
