// The berth command line run whole: flags, errors, exit statuses and output,
// with captured stdio and a fake ImageService.
#include <gtest/gtest.h>
#include <stdio.h>

#include <regex>

#include "cli/berth_app.h"
#include "fake_image_service.h"

namespace berth::cli {
namespace {

using testing::FakeImageService;
using testing::test_digest;
using testing::test_image;

constexpr int64_t now = 1'700'000'000;

struct BerthRun {
  int status = -1;
  std::string out, err;
};

// Runs berth with `args`; stdin reads `input`. The fake stays owned by the test.
BerthRun berth(FakeImageService& fake, std::vector<std::string> args, std::string input = "", bool terminal = false) {
  char *out_buffer = nullptr, *err_buffer = nullptr;
  size_t out_size = 0, err_size = 0;
  FILE* out = open_memstream(&out_buffer, &out_size);
  FILE* err = open_memstream(&err_buffer, &err_size);
  FILE* in = std::tmpfile();
  std::fwrite(input.data(), 1, input.size(), in);
  std::rewind(in);
  Io io{.in = in, .out = out, .err = err, .in_is_terminal = terminal, .out_is_terminal = terminal, .out_width = 0};
  EngineOptions options;
  BerthRun run;
  run.status = run_berth(
      args, io, options,
      [&fake](const EngineOptions&) -> Result<std::unique_ptr<ImageService>> {
        // Hand out a forwarding wrapper so the test keeps its fake.
        struct Forward final : ImageService {
          FakeImageService& f;
          explicit Forward(FakeImageService& f) : f(f) {}
          Result<PullResult> pull(std::string_view r, const PullOptions& o) override { return f.pull(r, o); }
          Result<PushResult> push(std::string_view r, const PushOptions& o) override { return f.push(r, o); }
          Result<std::vector<ImageSummary>> list() override { return f.list(); }
          Result<ImageSummary> find(std::string_view n) override { return f.find(n); }
          Result<nlohmann::json> inspect(std::string_view n) override { return f.inspect(n); }
          Status tag(std::string_view s, std::string_view t) override { return f.tag(s, t); }
          Result<RemoveReport> remove(std::string_view n, bool force) override { return f.remove(n, force); }
          Result<RemoveReport> prune(bool all) override { return f.prune(all); }
          Result<std::vector<HistoryEntry>> history(std::string_view n) override { return f.history(n); }
          Status save(const std::vector<std::string>& n, SaveFormat s, int fd) override { return f.save(n, s, fd); }
          Result<LoadReport> load(int fd) override { return f.load(fd); }
          Result<Digest> import(int fd, const ImportOptions& o) override { return f.import(fd, o); }
          Result<ImageDiskUsage> disk_usage(const std::map<Digest, int>& c) override { return f.disk_usage(c); }
          Result<std::string> login(std::string_view s, std::string_view u, std::string_view p) override {
            return f.login(s, u, p);
          }
          Result<std::string> logout(std::string_view s) override { return f.logout(s); }
        };
        return std::make_unique<Forward>(fake);
      },
      [] { return now; });
  std::fclose(out);
  std::fclose(err);
  std::fclose(in);
  run.out.assign(out_buffer, out_size);
  run.err.assign(err_buffer, err_size);
  std::free(out_buffer);
  std::free(err_buffer);
  return run;
}

TEST(FlagErrors, UnknownFlagExits125WithDockersWords) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"images", "--bogus"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "unknown flag: --bogus\nSee 'berth images --help'.\n");
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(fake.calls.empty());  // nothing ran

  run = berth(fake, {"image", "ls", "--bogus=1"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "unknown flag: --bogus\nSee 'berth image ls --help'.\n");

  run = berth(fake, {"images", "-az"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "unknown shorthand flag: 'z' in -az\nSee 'berth images --help'.\n");

  run = berth(fake, {"--bogus", "images"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "unknown flag: --bogus\nSee 'berth --help'.\n");
}

TEST(FlagErrors, MissingFlagValue) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"images", "--filter"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "flag needs an argument: --filter\nSee 'berth images --help'.\n");
  run = berth(fake, {"images", "-f"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "flag needs an argument: 'f' in -f\nSee 'berth images --help'.\n");
}

TEST(FlagErrors, WrongNumberOfArguments) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"tag", "busybox"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err,
            "\"berth tag\" requires exactly 2 arguments.\nSee 'berth tag --help'.\n\n"
            "Usage:  berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\n"
            "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n");
  run = berth(fake, {"images", "a", "b"});
  EXPECT_EQ(run.status, 1);
  EXPECT_TRUE(run.err.starts_with("\"berth images\" requires at most 1 argument.\n")) << run.err;
  run = berth(fake, {"image", "prune", "x"});
  EXPECT_EQ(run.status, 1);
  EXPECT_TRUE(run.err.starts_with("\"berth image prune\" accepts no arguments.\n")) << run.err;
  run = berth(fake, {"pull"});
  EXPECT_TRUE(run.err.starts_with("\"berth pull\" requires exactly 1 argument.\n")) << run.err;
}

TEST(FlagErrors, UnknownCommands) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"frobnicate"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "berth: 'frobnicate' is not a berth command.\nSee 'berth --help'\n");
  run = berth(fake, {"image", "frobnicate"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "berth: 'image frobnicate' is not a berth command.\nSee 'berth --help'\n");
}

TEST(Version, FlagCommandAndTemplate) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"--version"});
  EXPECT_EQ(run.status, 0);
  EXPECT_TRUE(std::regex_match(run.out, std::regex("Berth version 0\\.1\\.0, build [0-9a-z]+\n"))) << run.out;
  EXPECT_EQ(berth(fake, {"-v"}).out, run.out);
  run = berth(fake, {"version"});
  EXPECT_EQ(run.status, 0);
  EXPECT_TRUE(run.out.starts_with("Client: Berth\n Version:           0.1.0\n API version:       1.43\n")) << run.out;
  run = berth(fake, {"version", "--format", "{{.Client.Version}} {{.Client.Os}}"});
  EXPECT_EQ(run.out, "0.1.0 linux\n");
  run = berth(fake, {"version", "-f", "{{.Client.Version"});
  EXPECT_EQ(run.status, 64);
  EXPECT_TRUE(run.err.starts_with("template parsing error: ")) << run.err;
  EXPECT_EQ(berth(fake, {"version", "extra"}).status, 1);
}

TEST(Help, CommandHelpInDockersLayout) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"images", "--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_TRUE(
      run.out.starts_with("\nUsage:  berth images [OPTIONS] [REPOSITORY[:TAG]]\n\nList images\n\n"
                          "Aliases:\n  berth image ls, berth image list, berth images\n\nOptions:\n"
                          "  -a, --all             Show all images (default hides intermediate images)\n"
                          "      --digests         Show digests\n"
                          "  -f, --filter filter   Filter output based on conditions provided\n"
                          "      --format string   Format output using a custom template:\n"
                          "                        'table':"))
      << run.out;
  EXPECT_NE(run.out.find("  -q, --quiet           Only show image IDs\n"), std::string::npos) << run.out;
  run = berth(fake, {});
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("Usage:  berth [OPTIONS] COMMAND"), std::string::npos);
  run = berth(fake, {"image"});
  EXPECT_EQ(run.status, 0);
  EXPECT_NE(run.out.find("Usage:  berth image COMMAND"), std::string::npos);
}

TEST(Images, TableQuietAndJson) {
  FakeImageService fake;
  fake.images = {test_image('a', {"docker.io/library/busybox:latest", "docker.io/library/busybox:1"}, now - 7200),
                 test_image('b', {}, now - 60)};
  BerthRun run = berth(fake, {"images"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "REPOSITORY   TAG       IMAGE ID       CREATED              SIZE\n"
            "<none>       <none>    bbbbbbbbbbbb   About a minute ago   4.26MB\n"
            "busybox      latest    aaaaaaaaaaaa   2 hours ago          4.26MB\n"
            "busybox      1         aaaaaaaaaaaa   2 hours ago          4.26MB\n");
  run = berth(fake, {"images", "-q"});
  EXPECT_EQ(run.out, "bbbbbbbbbbbb\naaaaaaaaaaaa\n");
  run = berth(fake, {"image", "list", "--no-trunc", "-q", "busybox"});
  EXPECT_EQ(run.out, "sha256:" + std::string(64, 'a') + "\n");
  run = berth(fake, {"images", "--format", "json", "--filter", "dangling=true"});
  ASSERT_EQ(run.status, 0) << run.err;
  auto line = nlohmann::json::parse(run.out);
  EXPECT_EQ(line["Repository"], "<none>");
  EXPECT_NE(run.out.find("\"Tag\":\"\\u003cnone\\u003e\""), std::string::npos);
  run = berth(fake, {"images", "--filter", "color=red"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "Error: invalid filter 'color'\n");
}

TEST(Rmi, UntaggedAndDeletedAndPerImageErrors) {
  FakeImageService fake;
  fake.removable["busybox"] =
      RemoveReport{.untagged = {"docker.io/library/busybox:latest"}, .deleted = {test_digest('a'), test_digest('c')}};
  BerthRun run = berth(fake, {"rmi", "nope", "busybox"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "Untagged: busybox:latest\nDeleted: sha256:" + std::string(64, 'a') +
                         "\nDeleted: sha256:" + std::string(64, 'c') + "\n");
  EXPECT_EQ(run.err, "Error: No such image: nope\n");
  // With --force, images that do not exist are reported but do not fail the command.
  run = berth(fake, {"image", "rm", "-f", "nope"});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.err, "Error: No such image: nope\n");
  EXPECT_EQ(fake.calls.back(), "remove nope force");
}

TEST(Prune, AsksFirstAndReports) {
  FakeImageService fake;
  fake.prune_report = RemoveReport{
      .untagged = {"docker.io/library/old:1"}, .deleted = {test_digest('a')}, .reclaimed_bytes = 1'234'567};
  BerthRun run = berth(fake, {"image", "prune"}, "n\n");
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
  EXPECT_TRUE(fake.calls.empty());
  run = berth(fake, {"image", "prune", "-a"}, "y\n");
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out,
            "WARNING! This will remove all images without at least one container associated to them.\n"
            "Are you sure you want to continue? [y/N] Deleted Images:\nuntagged: old:1\ndeleted: sha256:" +
                std::string(64, 'a') + "\n\nTotal reclaimed space: 1.235MB\n");
  EXPECT_EQ(fake.calls.back(), "prune all");
  fake.prune_report = {};
  run = berth(fake, {"image", "prune", "-f"});
  EXPECT_EQ(run.out, "Total reclaimed space: 0B\n");
}

TEST(Pull, PlainOutputOffATerminal) {
  FakeImageService fake;
  fake.transfer_events = {
      {TransferEvent::Kind::resolved, "", 0, 0, "sha256:" + std::string(64, 'd')},
      {TransferEvent::Kind::waiting, "aaaaaaaaaaaa"},
      {TransferEvent::Kind::transferring, "aaaaaaaaaaaa", 0, 100},
      {TransferEvent::Kind::transferring, "aaaaaaaaaaaa", 100, 100},
      {TransferEvent::Kind::done, "aaaaaaaaaaaa"},
  };
  fake.pull_result = PullResult{.reference = "docker.io/library/busybox:latest", .manifest_digest = test_digest('d')};
  BerthRun run = berth(fake, {"pull", "busybox"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "Using default tag: latest\n"
            "latest: Pulling from library/busybox\n"
            "aaaaaaaaaaaa: Pulling fs layer\n"
            "aaaaaaaaaaaa: Downloading\n"
            "aaaaaaaaaaaa: Pull complete\n"
            "Digest: sha256:" +
                std::string(64, 'd') +
                "\n"
                "Status: Downloaded newer image for busybox:latest\n"
                "docker.io/library/busybox:latest\n");
  run = berth(fake, {"pull", "-q", "busybox:latest"});
  EXPECT_EQ(run.out, "docker.io/library/busybox:latest\n");
  fake.pull_result = fail("pull busybox:nope: manifest unknown");
  run = berth(fake, {"pull", "busybox:nope"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "Error: pull busybox:nope: manifest unknown\n");
}

TEST(Push, SummaryLine) {
  FakeImageService fake;
  fake.transfer_events = {{TransferEvent::Kind::waiting, "aaaaaaaaaaaa"}, {TransferEvent::Kind::done, "aaaaaaaaaaaa"}};
  fake.push_result = PushResult{
      .reference = "localhost:5000/busybox:latest", .manifest_digest = test_digest('d'), .manifest_size = 527};
  BerthRun run = berth(fake, {"push", "localhost:5000/busybox"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "Using default tag: latest\n"
            "The push refers to repository [localhost:5000/busybox]\n"
            "aaaaaaaaaaaa: Preparing\n"
            "aaaaaaaaaaaa: Pushed\n"
            "latest: digest: sha256:" +
                std::string(64, 'd') + " size: 527\n");
}

TEST(Inspect, ArrayTemplatesAndMissingImages) {
  FakeImageService fake;
  fake.inspect_objects["busybox"] =
      nlohmann::json{{"Size", 42}, {"Id", "sha256:x"}, {"RepoTags", {"busybox:latest"}}, {"Os", "linux"}};
  BerthRun run = berth(fake, {"image", "inspect", "busybox"});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out,
            "[\n    {\n        \"Id\": \"sha256:x\",\n        \"RepoTags\": [\n            \"busybox:latest\"\n"
            "        ],\n        \"Os\": \"linux\",\n        \"Size\": 42\n    }\n]\n");
  run = berth(fake, {"image", "inspect", "-f", "{{.Size}} {{json .RepoTags}}", "busybox"});
  EXPECT_EQ(run.out, "42 [\"busybox:latest\"]\n");
  run = berth(fake, {"image", "inspect", "nope"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "[]\n");
  EXPECT_EQ(run.err, "Error: No such image: nope\n");
  run = berth(fake, {"image", "inspect", "-f", "{{upper .Os}}", "busybox"});
  EXPECT_EQ(run.out, "LINUX\n");
  run = berth(fake, {"image", "inspect", "-f", "{{nosuchfunction .Os}}", "busybox"});
  EXPECT_EQ(run.status, 64);
  EXPECT_TRUE(run.err.starts_with("template parsing error: ")) << run.err;
}

TEST(History, TableWithMissingIds) {
  FakeImageService fake;
  fake.history_entries = {
      {.image_id = "sha256:" + std::string(64, 'a'),
       .created_unix = now - 3 * 86400,
       .created_by = "/bin/sh -c #(nop)  CMD [\"sh\"]",
       .size = 0},
      {.image_id = "",
       .created_unix = now - 3 * 86400,
       .created_by = "/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef in / ",
       .size = 4'261'000},
  };
  BerthRun run = berth(fake, {"history", "busybox"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out,
            "IMAGE          CREATED      CREATED BY                                      SIZE      COMMENT\n"
            "aaaaaaaaaaaa   3 days ago   /bin/sh -c #(nop)  CMD [\"sh\"]                   0B        \n"
            "<missing>      3 days ago   /bin/sh -c #(nop) ADD file:0123456789abcdef0…   4.26MB    \n");
  run = berth(fake, {"history", "-q", "busybox"});
  EXPECT_EQ(run.out, "aaaaaaaaaaaa\n<missing>\n");
  run = berth(fake, {"history", "-H=false", "busybox"});
  EXPECT_NE(run.out.find("4261000"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2023-11-11T22:13:20Z"), std::string::npos) << run.out;
}

TEST(Login, PasswordFlagWarnsAndStdinNeedsUsername) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"login", "-u", "me", "-p", "secret", "registry.example"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
  EXPECT_EQ(run.out, "Login Succeeded\n");
  EXPECT_EQ(fake.calls.back(), "login registry.example me secret");
  run = berth(fake, {"login", "--password-stdin"}, "secret\n");
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "Error: Must provide --username with --password-stdin\n");
  run = berth(fake, {"login", "-u", "me", "--password-stdin"}, "s3cret\r\n");
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(fake.calls.back(), "login  me s3cret");
  run = berth(fake, {"login"});
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "Error: Cannot perform an interactive login from a non TTY device\n");
  run = berth(fake, {"logout"});
  EXPECT_EQ(run.out, "Removing login credentials for https://index.docker.io/v1/\n");
}

TEST(Save, RefusesATerminal) {
  FakeImageService fake;
  BerthRun run = berth(fake, {"save", "busybox"}, "", /*terminal=*/true);
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err, "Error: cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
}

TEST(GlobalFlags, ReachTheEngineOptions) {
  FakeImageService fake;
  EngineOptions seen;
  char* out_buffer = nullptr;
  size_t out_size = 0;
  FILE* out = open_memstream(&out_buffer, &out_size);
  Io io{.out = out, .err = out};
  EngineOptions from_environment;
  from_environment.insecure_registries = {"env:5000"};
  int status =
      run_berth({"--root", "/tmp/r", "--runroot=/tmp/rr", "--insecure-registry", "a:5000", "--insecure-registry",
                 "env:5000", "images", "-q"},
                io, from_environment, [&](const EngineOptions& options) -> Result<std::unique_ptr<ImageService>> {
                  seen = options;
                  return std::make_unique<FakeImageService>();
                });
  std::fclose(out);
  std::free(out_buffer);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(seen.root, "/tmp/r");
  EXPECT_EQ(seen.runroot, "/tmp/rr");
  EXPECT_EQ(seen.insecure_registries, (std::vector<std::string>{"env:5000", "a:5000"}));
}

}  // namespace
}  // namespace berth::cli
