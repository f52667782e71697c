#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/testing/status_matchers.h"
#include "kintsugi/message.h"
#include "messages/render.h"

namespace kintsugi {
namespace {

using ::testing::HasSubstr;

std::vector<MessageId> AllIds() {
  std::vector<MessageId> ids;
  for (std::size_t i = 0; i < static_cast<std::size_t>(MessageId::kCount);
       ++i) {
    ids.push_back(static_cast<MessageId>(i));
  }
  return ids;
}

TEST(MessageIdsTest, EveryIdHasAUniqueDottedName) {
  std::set<std::string_view> names;
  for (const MessageId id : AllIds()) {
    const std::string_view name = MessageIdName(id);
    EXPECT_NE(name.find('.'), std::string_view::npos)
        << static_cast<int>(id) << ": " << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_EQ(MessageIdName(MessageId::kCount), "");
}

TEST(EnglishCatalogTest, EveryIdHasAnEnglishTemplate) {
  const MessageCatalog& english = MessageCatalog::English();
  EXPECT_EQ(english.language(), "en");
  for (const MessageId id : AllIds()) {
    EXPECT_TRUE(english.Has(id)) << MessageIdName(id);
  }
}

// What a template may name is what the code is declared to pass; the code
// side is checked where messages are made (e.g. identify's engine_test).
TEST(EnglishCatalogTest, EveryPlaceholderIsADeclaredArgument) {
  const MessageCatalog& english = MessageCatalog::English();
  for (const MessageId id : AllIds()) {
    const auto declared = MessageIdArgs(id);
    const std::set<std::string_view> args(declared.begin(), declared.end());
    for (const std::string& text : english.Templates(id)) {
      for (const std::string& placeholder : Placeholders(text)) {
        EXPECT_TRUE(args.count(placeholder))
            << MessageIdName(id) << ": {" << placeholder
            << "} is not an argument of this message";
      }
    }
    const std::string_view plural = english.PluralArg(id);
    if (!plural.empty()) {
      EXPECT_TRUE(args.count(plural)) << MessageIdName(id);
    }
  }
}

TEST(MessageIdsTest, DeclaredArgumentsAreCheckedExactly) {
  const Message yara{MessageId::kEvidenceYara, {{"rule", "r1"}}};
  EXPECT_TRUE(HasDeclaredArgs(yara));
  EXPECT_FALSE(HasDeclaredArgs(Message{MessageId::kEvidenceYara, {}}));
  EXPECT_FALSE(HasDeclaredArgs(
      Message{MessageId::kEvidenceYara, {{"rule", "a"}, {"rule", "b"}}}));
  EXPECT_FALSE(
      HasDeclaredArgs(Message{MessageId::kEvidenceYara, {{"name", "a"}}}));
  EXPECT_TRUE(HasDeclaredArgs(Message{MessageId::kVerdictUnknown, {}}));
  EXPECT_FALSE(HasDeclaredArgs(Message{}));
}

TEST(PlaceholdersTest, FindsNamesInBraces) {
  EXPECT_EQ(Placeholders("a {x} b {y_2} {not closed {} {a-b}"),
            (std::vector<std::string>{"x", "y_2"}));
}

TEST(RenderTest, SubstitutesTextAndIntegerArguments) {
  const Message message{MessageId::kEvidenceExtension,
                        {{"pattern", ".eking"},
                         {"rule", "ext-eking"},
                         {"strength", "strong"},
                         {"file", "kb/stop.yaml"},
                         {"line", std::int64_t{12}}}};
  EXPECT_EQ(RenderEnglish(message),
            "file name ends in \".eking\" (rule ext-eking, strong, "
            "kb/stop.yaml:12)");
}

TEST(RenderTest, ArgumentTextIsNotExpandedAgain) {
  const Message message{MessageId::kEvidenceYara, {{"rule", "{rule}"}}};
  EXPECT_EQ(RenderEnglish(message), "YARA rule {rule}");
}

TEST(RenderTest, PluralFormsFollowTheCount) {
  const auto similarity = [](std::int64_t shared) {
    return RenderEnglish(Message{MessageId::kEvidenceSimilarity,
                                 {{"percent", "80"}, {"shared", shared}}});
  };
  EXPECT_THAT(similarity(1), HasSubstr("(1 shared phrase)"));
  EXPECT_THAT(similarity(2), HasSubstr("(2 shared phrases)"));
  EXPECT_THAT(similarity(0), HasSubstr("(0 shared phrases)"));
}

// CLDR's integer rules (src/messages/plural.cpp), spot-checked against the
// examples of the CLDR 43 language plural rules chart.
TEST(PluralCategoryTest, FollowsEachLanguagesRules) {
  struct Case {
    const char* language;
    std::int64_t count;
    const char* category;
  };
  const Case cases[] = {
      {"en", 1, "one"},    {"en", 0, "other"},   {"en", 21, "other"},
      {"fr", 0, "one"},    {"fr", 1, "one"},     {"fr", 2, "other"},
      {"pt-BR", 0, "one"}, {"ja", 1, "other"},   {"zh", 2, "other"},
      {"ru", 1, "one"},    {"ru", 21, "one"},    {"ru", 11, "many"},
      {"ru", 3, "few"},    {"ru", 13, "many"},   {"ru", 5, "many"},
      {"uk", 22, "few"},   {"pl", 1, "one"},     {"pl", 21, "many"},
      {"pl", 22, "few"},   {"cs", 3, "few"},     {"cs", 5, "other"},
      {"hr", 21, "one"},   {"hr", 12, "other"},  {"sl", 101, "one"},
      {"sl", 102, "two"},  {"sl", 103, "few"},   {"lt", 11, "other"},
      {"lt", 21, "one"},   {"lt", 9, "few"},     {"lv", 0, "zero"},
      {"lv", 11, "zero"},  {"lv", 21, "one"},    {"ro", 0, "few"},
      {"ro", 19, "few"},   {"ro", 20, "other"},  {"he", 2, "two"},
      {"ga", 5, "few"},    {"ga", 8, "many"},    {"ga", 11, "other"},
      {"mt", 0, "few"},    {"mt", 13, "many"},   {"mt", 2, "two"},
      {"ar", 0, "zero"},   {"ar", 2, "two"},     {"ar", 103, "few"},
      {"ar", 111, "many"}, {"ar", 100, "other"}, {"xx", 1, "one"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PluralCategory(c.language, c.count), c.category)
        << c.language << " " << c.count;
  }
}

TEST(RenderTest, APluralFormIsChosenByTheCatalogsLanguage) {
  auto russian = MessageCatalog::Parse(R"({"language": "ru", "messages": {
    "evidence.similarity": {"plural": "shared", "one": "{shared} фраза",
      "few": "{shared} фразы", "many": "{shared} фраз", "other": "{shared} ?"}
  }})");
  ASSERT_TRUE(russian.has_value());
  const auto render = [&](std::int64_t shared) {
    return Render(Message{MessageId::kEvidenceSimilarity,
                          {{"percent", "80"}, {"shared", shared}}},
                  *russian);
  };
  EXPECT_EQ(render(1), "1 фраза");
  EXPECT_EQ(render(3), "3 фразы");
  EXPECT_EQ(render(5), "5 фраз");
  EXPECT_EQ(render(21), "21 фраза");
}

TEST(RenderTest, ExactPluralFormWinsOverTheCategory) {
  const auto notes = [](std::int64_t more) {
    return RenderEnglish(Message{MessageId::kOriginNotes,
                                 {{"notes", "a.txt, b.txt"}, {"more", more}}});
  };
  EXPECT_EQ(notes(0), "a.txt, b.txt");
  EXPECT_EQ(notes(1), "a.txt, b.txt and 1 other note");
  EXPECT_EQ(notes(3), "a.txt, b.txt and 3 other notes");
}

// A message with messages as arguments: an origin, and advice in two
// sentences.
Message GammaNotBuilt() {
  return Message{
      MessageId::kRecoverIdentifiedNotBuilt,
      {{"name", "Gamma Locker"},
       {"family", "gamma"},
       {"origin", std::vector<Message>{{MessageId::kOriginFileName,
                                        {{"file", "a.doc.gamma"}}}}},
       {"advice",
        std::vector<Message>{
            {MessageId::kRecoveryNotBuilt, {{"decryptor", "gamma-tool"}}},
            {MessageId::kRecoveryNeed, {{"need", "a key"}}}}}}};
}

TEST(RenderTest, MessagesAsAnArgumentAreRenderedInTheSameCatalog) {
  const Message detail = GammaNotBuilt();
  EXPECT_TRUE(HasDeclaredArgs(detail));
  EXPECT_EQ(RenderEnglish(detail),
            "no decryptor in this version recognises it; this folder is "
            "identified as Gamma Locker (gamma) from the name a.doc.gamma: "
            "Files of this family can be recovered offline, but its "
            "decryptor (gamma-tool) is not in this version of Kintsugi yet. "
            "You need: a key.");
  ASSERT_OK_AND_ASSIGN(
      const MessageCatalog partial,
      MessageCatalog::Parse(R"({"messages": {"origin.file_name": "F {file}",
          "recover.identified_not_built": "{origin} / {advice}"}})"));
  EXPECT_EQ(Render(detail, partial),
            "F a.doc.gamma / recovery.not_built decryptor=gamma-tool "
            "recovery.need need=a key");
}

TEST(RenderTest, MissingEntryShowsTheIdAndArguments) {
  ASSERT_OK_AND_ASSIGN(
      const MessageCatalog empty,
      MessageCatalog::Parse(R"({"language": "xx", "messages": {}})"));
  const Message message{
      MessageId::kEvidenceContact,
      {{"kind", "email"}, {"contact", "a@b.c"}, {"families", std::int64_t{2}}}};
  EXPECT_EQ(Render(message, empty),
            "evidence.contact kind=email contact=a@b.c families=2");
  EXPECT_EQ(Render(Message{}, empty),
            "message#" + std::to_string(static_cast<int>(MessageId::kCount)));
}

TEST(RenderTest, MissingArgumentLeavesThePlaceholder) {
  EXPECT_EQ(RenderEnglish(Message{MessageId::kEvidenceYara, {}}),
            "YARA rule {rule}");
}

TEST(RenderTest, SentencesAreJoinedWithASpace) {
  const std::vector<Message> messages = {
      {MessageId::kRecoveryImpossible, {}},
      {MessageId::kRecoveryNeed, {{"need", "a key"}}}};
  EXPECT_EQ(RenderEnglish(messages),
            "No offline recovery is known for this family. You need: a key.");
}

TEST(RenderTest, RenderToAppendsWhatRenderReturns) {
  const Message nested = GammaNotBuilt();
  ASSERT_OK_AND_ASSIGN(const MessageCatalog empty,
                       MessageCatalog::Parse(R"({"messages": {}})"));
  for (const Message& message :
       {nested,
        Message{MessageId::kEvidenceSimilarity,
                {{"percent", "80"}, {"shared", std::int64_t{-12}}}},
        Message{MessageId::kEvidenceYara, {}}}) {
    for (const MessageCatalog* catalog : {&MessageCatalog::English(), &empty}) {
      std::string out = "before|";
      RenderTo(out, message, *catalog);
      EXPECT_EQ(out, "before|" + Render(message, *catalog));
      EXPECT_NE(Render(message, *catalog), "");
    }
  }
}

TEST(CatalogParseTest, ATranslationIsUsedAndUnknownNamesAreKept) {
  ASSERT_OK_AND_ASSIGN(const MessageCatalog fr, MessageCatalog::Parse(R"({
    "language": "fr",
    "messages": {"evidence.yara": "règle YARA {rule}",
                 "some.future_message": "ignoré"}})"));
  EXPECT_EQ(fr.language(), "fr");
  EXPECT_EQ(Render(Message{MessageId::kEvidenceYara, {{"rule", "r1"}}}, fr),
            "règle YARA r1");
}

TEST(CatalogParseTest, MalformedCatalogsAreInvalidArgument) {
  for (const char* text :
       {"", "[]", "{\"messages\": []}", "{\"messages\": {\"a.b\": 3}}",
        "{\"messages\": {\"a.b\": {\"plural\": \"n\", \"one\": \"x\"}}}",
        "{\"messages\": {\"a.b\": {\"plural\": \"n\", \"other\": 1}}}"}) {
    EXPECT_THAT(MessageCatalog::Parse(text),
                StatusIs(StatusCode::kInvalidArgument))
        << text;
  }
}

}  // namespace
}  // namespace kintsugi
