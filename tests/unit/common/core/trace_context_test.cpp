#include "common/core/trace_context.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace {

const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kSpan = "00f067aa0ba902b7";

TEST(TraceContext, AWellFormedHeaderIsReadAndWrittenBackAlike) {
  auto parsed = common::parse_traceparent("00-" + kTrace + "-" + kSpan + "-01");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->trace_id, kTrace);
  EXPECT_EQ(parsed->span_id, kSpan);
  EXPECT_EQ(parsed->flags, "01");
  EXPECT_EQ(parsed->header(), "00-" + kTrace + "-" + kSpan + "-01");
  // A later version may add fields after the four it shares with 00.
  EXPECT_TRUE(common::parse_traceparent("01-" + kTrace + "-" + kSpan + "-00-more"));
}

TEST(TraceContext, MalformedHeadersAreRefused) {
  for (const std::string& header : std::vector<std::string>{
           std::string(),
           "00-" + kTrace + "-" + kSpan,                            // no flags
           "00-" + kTrace + "-" + kSpan + "-01-",                   // version 00 has no more fields
           "00-" + kTrace + "-" + kSpan + "-1",                     // short flags
           "ff-" + kTrace + "-" + kSpan + "-01",                    // the forbidden version
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + kSpan + "-01",  // upper case
           "00-00000000000000000000000000000000-" + kSpan + "-01",  // zero trace id
           "00-" + kTrace + "-0000000000000000-01",                 // zero span id
           "00-" + kTrace + "-00f067aa0ba902bz-01",                 // not hex
           "00_" + kTrace + "-" + kSpan + "-01",                    // separator
           "01-" + kTrace + "-" + kSpan + "-01x",                   // later version, bad tail
       }) {
    EXPECT_FALSE(common::parse_traceparent(header)) << header;
    EXPECT_EQ(common::trace_id_of(header), "") << header;
  }
}

TEST(TraceContext, AChildKeepsTheTraceAndFlagsWithANewSpan) {
  auto child = common::child_of("00-" + kTrace + "-" + kSpan + "-00");
  EXPECT_EQ(child.trace_id, kTrace);
  EXPECT_EQ(child.flags, "00");
  EXPECT_NE(child.span_id, kSpan);
  EXPECT_TRUE(common::parse_traceparent(child.header()));
  EXPECT_EQ(common::trace_id_of(child.header()), kTrace);
}

TEST(TraceContext, WithoutAUsableParentANewSampledTraceStarts) {
  auto first = common::child_of("garbage");
  auto second = common::child_of("");
  EXPECT_TRUE(std::regex_match(first.header(), std::regex("00-[0-9a-f]{32}-[0-9a-f]{16}-01")));
  EXPECT_TRUE(common::parse_traceparent(second.header()));
  EXPECT_NE(first.trace_id, second.trace_id);
}

}  // namespace
