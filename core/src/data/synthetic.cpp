#include "tokenbench/data/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "common/seeded_random.h"

namespace tokenbench::core {

namespace {

// Output must be identical on every platform, so everything random goes through the integer
// generator below. Floating point is used only for exact operations (53-bit uniforms, plain
// comparisons and divisions); weights are integers, and the Zipf curve is fixed-point.

constexpr int64_t kEpochSeconds = 1'600'000'000;
constexpr int64_t kStartSpreadSeconds = 180LL * 24 * 3600;
constexpr int32_t kSequenceCap = 60;
constexpr int64_t kMaxTreeNodes = 1 << 20;
constexpr int32_t kMaxAttempts = 12;          // redraws before falling back to a uniform pick
constexpr double kRebuyProbability = 0.05;    // chance to accept an item already bought
constexpr double kOwnTopBrandShare = 0.9;
constexpr double kBrandTierShare = 0.7;       // items priced at their brand's tier
constexpr double kSiblingWordNoise = 0.12;    // title word taken from a sibling node instead
constexpr double kAdjectiveShare = 0.6;       // titles that carry the top category's word
constexpr double kVariantShare = 0.25;        // titles with a category-free variant suffix
constexpr double kPreferredMidShare = 0.7;    // preferred picks that go through a preferred mid
constexpr int32_t kCoverageUserTries = 64;

// Stream ids keep the parts of the generator independent of each other's draw counts.
constexpr uint64_t kNameStream = 0x4e414d45ULL;
constexpr uint64_t kCatalogueStream = 0x43415441ULL;
constexpr uint64_t kUserStream = 0x55534552ULL;
constexpr uint64_t kCoverageStream = 0x434f5645ULL;

uint64_t streamSeed(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t state = seed;
    uint64_t mixed = splitmix64(state) ^ (stream * 0xd6e8feb86659fd93ULL);
    state = mixed;
    mixed = splitmix64(state) ^ (index * 0x9e3779b97f4a7c15ULL);
    state = mixed;
    return splitmix64(state);
}

/// xoshiro256** seeded through splitmix64.
class Rng final {
public:
    explicit Rng(uint64_t seed) {
        uint64_t state = seed;
        for (uint64_t& word : m_state) {
            word = splitmix64(state);
        }
    }

    uint64_t next() {
        const uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Unbiased integer in [0, n); n > 0.
    uint64_t below(uint64_t n) {
        const uint64_t threshold = (0 - n) % n;  // 2^64 mod n: draws under it would bias
        for (;;) {
            const uint64_t r = next();
            if (r >= threshold) {
                return r % n;
            }
        }
    }

    int32_t belowInt(int32_t n) { return static_cast<int32_t>(below(static_cast<uint64_t>(n))); }

    /// Uniform in [0, 1) from the top 53 bits: exact, so identical everywhere.
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

    bool chance(double p) { return uniform() < p; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::array<uint64_t, 4> m_state{};
};

template <typename T>
void shuffle(std::vector<T>& values, Rng& rng) {
    for (size_t i = values.size(); i > 1; --i) {
        const size_t j = static_cast<size_t>(rng.below(i));
        std::swap(values[i - 1], values[j]);
    }
}

/// Draws values with probability proportional to integer weights.
class WeightedPicker final {
public:
    void add(int32_t value, uint64_t weight) {
        m_values.push_back(value);
        m_cumulative.push_back(total() + weight);
    }

    [[nodiscard]] bool empty() const { return total() == 0; }
    [[nodiscard]] uint64_t total() const { return m_cumulative.empty() ? 0 : m_cumulative.back(); }
    [[nodiscard]] const std::vector<int32_t>& values() const { return m_values; }

    /// Position of the drawn entry; caller checks !empty().
    size_t pickSlot(Rng& rng) const {
        const uint64_t r = rng.below(total());
        const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), r);
        return static_cast<size_t>(it - m_cumulative.begin());
    }

    int32_t pick(Rng& rng) const { return m_values[pickSlot(rng)]; }

private:
    std::vector<int32_t> m_values;
    std::vector<uint64_t> m_cumulative;  // inclusive prefix sums
};

// --- Fixed-point Zipf weights: rank^-skew without libm, whose last bits vary by platform. ---

constexpr int kFracBits = 30;
constexpr uint64_t kOneQ30 = uint64_t{1} << kFracBits;

/// log2(x) in Q30 for x >= 1, by repeated squaring of the mantissa.
uint64_t log2Q30(uint64_t x) {
    int msb = 0;
    while ((x >> (msb + 1)) != 0) {
        ++msb;
    }
    uint64_t y = msb >= kFracBits ? x >> (msb - kFracBits) : x << (kFracBits - msb);  // [1, 2) in Q30
    uint64_t result = static_cast<uint64_t>(msb) << kFracBits;
    for (int bit = kFracBits - 1; bit >= 0; --bit) {
        y = (y * y) >> kFracBits;
        if (y >= 2 * kOneQ30) {
            y >>= 1;
            result |= uint64_t{1} << bit;
        }
    }
    return result;
}

/// 2^(-2^-k) in Q32 for k = 1..30; sqrt is correctly rounded by IEEE 754, so this is exact
/// to the same bits everywhere.
std::array<uint64_t, kFracBits + 1> halvingPowers() {
    std::array<uint64_t, kFracBits + 1> table{};
    double root = 2.0;
    for (int k = 1; k <= kFracBits; ++k) {
        root = std::sqrt(root);
        table[static_cast<size_t>(k)] = static_cast<uint64_t>(std::llround(4294967296.0 / root));
    }
    return table;
}

/// rank^-skew in Q32 (rank 1 -> 2^32), at least 1 so every item stays reachable.
uint64_t zipfWeight(int32_t rank, int64_t skewQ20) {
    static const std::array<uint64_t, kFracBits + 1> kPowers = halvingPowers();
    const uint64_t exponent =
        (static_cast<uint64_t>(skewQ20) * log2Q30(static_cast<uint64_t>(rank))) >> 20;  // Q30
    const uint64_t whole = exponent >> kFracBits;
    if (whole >= 32) {
        return 1;
    }
    uint64_t value = uint64_t{1} << 32;
    for (int k = 1; k <= kFracBits; ++k) {
        if ((exponent >> (kFracBits - k)) & 1U) {
            value = (value * kPowers[static_cast<size_t>(k)]) >> 32;
        }
    }
    return std::max<uint64_t>(1, value >> whole);
}

// --- Names ---

struct MidSpec {
    const char* name;
    std::array<const char*, 3> nouns;
};

struct TopSpec {
    const char* name;
    std::array<const char*, 3> adjectives;
    std::array<MidSpec, 6> mids;
};

// clang-format off
const std::array<TopSpec, 8> kTopSpecs = {{
    {"Skincare", {"Hydrating", "Radiance", "Soothing"}, {{
        {"Face", {"Serum", "Moisturizer", "Cleanser"}},
        {"Eye Care", {"Eye Cream", "Eye Gel", "Depuffer"}},
        {"Body", {"Body Lotion", "Body Butter", "Body Scrub"}},
        {"Masks", {"Sheet Mask", "Clay Mask", "Peel"}},
        {"Suncare", {"Sunscreen", "SPF Fluid", "After-Sun"}},
        {"Treatments", {"Retinol", "Toner", "Essence"}}}}},
    {"Makeup", {"Matte", "Longwear", "Luminous"}, {{
        {"Complexion", {"Foundation", "Concealer", "Primer"}},
        {"Eyes", {"Mascara", "Eyeliner", "Eyeshadow"}},
        {"Lips", {"Lipstick", "Lip Gloss", "Lip Liner"}},
        {"Cheeks", {"Blush", "Bronzer", "Highlighter"}},
        {"Brows", {"Brow Gel", "Brow Pencil", "Brow Pomade"}},
        {"Palettes", {"Palette", "Quad", "Duo"}}}}},
    {"Haircare", {"Nourishing", "Volumizing", "Smoothing"}, {{
        {"Shampoo", {"Shampoo", "Co-Wash", "Clarifier"}},
        {"Conditioner", {"Conditioner", "Detangler", "Rinse"}},
        {"Styling", {"Mousse", "Hairspray", "Styling Wax"}},
        {"Hair Treatments", {"Hair Mask", "Hair Oil", "Leave-In"}},
        {"Color", {"Hair Color", "Root Spray", "Dye"}},
        {"Hair Tools", {"Brush", "Dryer", "Straightener"}}}}},
    {"Fragrance", {"Floral", "Woody", "Citrus"}, {{
        {"Women", {"Perfume", "Parfum", "Elixir"}},
        {"Men", {"Cologne", "Aftershave", "Eau de Toilette"}},
        {"Unisex", {"Attar", "Extrait", "Eau de Parfum"}},
        {"Home Scents", {"Candle", "Diffuser", "Room Spray"}},
        {"Minis", {"Rollerball", "Travel Spray", "Vial"}},
        {"Gift Sets", {"Gift Set", "Coffret", "Discovery Set"}}}}},
    {"Bath", {"Relaxing", "Foaming", "Aromatic"}, {{
        {"Shower", {"Shower Gel", "Body Wash", "Shower Oil"}},
        {"Soap", {"Bar Soap", "Hand Wash", "Soap Flakes"}},
        {"Bath Soaks", {"Bath Bomb", "Bath Salts", "Bubble Bath"}},
        {"Hand & Foot", {"Hand Cream", "Foot Cream", "Foot Soak"}},
        {"Deodorant", {"Deodorant", "Antiperspirant", "Body Mist"}},
        {"Bath Accessories", {"Loofah", "Sponge", "Bath Towel"}}}}},
    {"Nails", {"Glossy", "Quick-Dry", "Strengthening"}, {{
        {"Polish", {"Nail Polish", "Lacquer", "Enamel"}},
        {"Nail Care", {"Cuticle Oil", "Strengthener", "Base Coat"}},
        {"Nail Art", {"Nail Stickers", "Glitter", "Stamper"}},
        {"Removers", {"Remover", "Acetone", "Remover Pads"}},
        {"Nail Tools", {"Nail File", "Buffer", "Clipper"}},
        {"Gel Nails", {"Gel Polish", "Top Coat", "UV Lamp"}}}}},
    {"Men's Grooming", {"Refreshing", "Rugged", "Cooling"}, {{
        {"Shaving", {"Razor", "Shaving Foam", "Blades"}},
        {"Beard", {"Beard Oil", "Beard Balm", "Trimmer"}},
        {"Men's Skin", {"Face Wash", "Moisturiser", "Post-Shave Balm"}},
        {"Men's Hair", {"Clay Pomade", "Hair Gel", "Texturizer"}},
        {"Men's Body", {"Body Spray", "Sport Wash", "Talc"}},
        {"Kits", {"Grooming Kit", "Travel Kit", "Shave Kit"}}}}},
    {"Wellness", {"Calming", "Energizing", "Herbal"}, {{
        {"Supplements", {"Vitamins", "Collagen", "Gummies"}},
        {"Aromatherapy", {"Essential Oil", "Inhaler", "Aroma Roller"}},
        {"Oral Care", {"Toothpaste", "Mouthwash", "Floss"}},
        {"Sleep", {"Pillow Spray", "Sleep Mask", "Sleep Balm"}},
        {"Teas", {"Tea", "Infusion", "Tonic"}},
        {"Massage", {"Massage Oil", "Massager", "Gua Sha"}}}}},
}};

const std::array<const char*, 60> kLineWords = {
    "Aqua", "Velvet", "Botanic", "Silk", "Pure", "Glow", "Nova", "Bloom", "Dew", "Luxe",
    "Prime", "Zen", "Coral", "Amber", "Ivory", "Onyx", "Pearl", "Sage", "Cedar", "Jasmine",
    "Lotus", "Orchid", "Peony", "Violet", "Marine", "Solar", "Lunar", "Frost", "Ember", "Honey",
    "Cocoa", "Vanilla", "Mint", "Citron", "Berry", "Plum", "Fig", "Olive", "Rose", "Iris",
    "Aloe", "Bamboo", "Cashmere", "Crystal", "Dune", "Fjord", "Garnet", "Hazel", "Jade", "Kelp",
    "Lagoon", "Meadow", "Nectar", "Opal", "Petal", "Quartz", "Rain", "Saffron", "Tide", "Willow",
};

const std::array<const char*, 12> kLineDescriptors = {
    "Intense", "Light", "Ultra", "Daily", "Night", "Repair",
    "Sensitive", "Classic", "Pro", "Sheer", "Rich", "Fresh",
};

const std::array<const char*, 36> kBrandNames = {
    "Lumia", "Aurelle", "Nordique", "Solenne", "Verdant", "Maison Clair", "Kira", "Oberon",
    "Belle Rive", "Halcyon", "Nuvola", "Petalune", "Arcadia", "Ondine", "Sylve", "Celeste",
    "Marigold", "Elara", "Fennick", "Ivara", "Juniper & Co", "Kobalt", "Lysande", "Mirelle",
    "Noctis", "Opaline", "Prisma", "Quenza", "Rhea", "Saffron Lane", "Terra Nova", "Umbria",
    "Vireo", "Willow & Wren", "Yuzu Lab", "Zephyr",
};

const std::array<const char*, 3> kVariants = {"Mini", "Travel Size", "Refill"};
const std::array<const char*, 3> kGenericNouns = {"Set", "Kit", "Collection"};
const std::array<const char*, 3> kPriceNames = {"$", "$$", "$$$"};

const std::array<const char*, 20> kSyllables = {
    "ka", "lo", "mi", "ra", "ven", "to", "sa", "lu", "ne", "ori",
    "za", "pel", "dri", "mo", "tha", "vi", "quel", "bro", "sen", "ia",
};
// clang-format on

/// Hands out names unique across the whole catalogue (categories, lines, brands).
class NameMaker final {
public:
    explicit NameMaker(uint64_t seed) : m_rng(streamSeed(seed, kNameStream, 0)) {}

    /// `preferred` if still free, else a syllable-built name.
    std::string take(const std::string& preferred) {
        if (!preferred.empty() && m_used.insert(preferred).second) {
            return preferred;
        }
        for (;;) {
            std::string name = syllableName();
            if (m_used.insert(name).second) {
                return name;
            }
        }
    }

    /// A syllable-built word that need not be unique (vocabulary of generated nodes).
    std::string syllableName() {
        const int32_t count = 2 + m_rng.belowInt(2);
        std::string name;
        for (int32_t i = 0; i < count; ++i) {
            name += kSyllables[static_cast<size_t>(m_rng.belowInt(static_cast<int32_t>(kSyllables.size())))];
        }
        name[0] = static_cast<char>(name[0] - 'a' + 'A');
        return name;
    }

private:
    Rng m_rng;
    std::set<std::string> m_used;
};

struct TreeNode {
    std::string name;                ///< own name ("Face")
    std::string path;                ///< "Skincare > Face"
    std::vector<std::string> words;  ///< title vocabulary this node owns
};

// Node j of a level is child j % branching of node j / branching one level up.

using Tree = std::vector<std::vector<TreeNode>>;  // [level][node]

Tree buildTree(const std::vector<int32_t>& branching, NameMaker& names) {
    Tree tree(branching.size());
    int32_t lineCursor = 0;
    for (size_t level = 0; level < branching.size(); ++level) {
        const int32_t parents = level == 0 ? 1 : static_cast<int32_t>(tree[level - 1].size());
        for (int32_t parent = 0; parent < parents; ++parent) {
            for (int32_t child = 0; child < branching[level]; ++child) {
                TreeNode node;
                if (level == 0) {
                    const bool known = child < static_cast<int32_t>(kTopSpecs.size());
                    node.name = names.take(known ? kTopSpecs[static_cast<size_t>(child)].name : "");
                    if (known) {
                        for (const char* word : kTopSpecs[static_cast<size_t>(child)].adjectives) {
                            node.words.emplace_back(word);
                        }
                    }
                } else if (level == 1) {
                    // Mid names come from the top's own list while it lasts.
                    const int32_t top = parent;
                    const bool known = top < static_cast<int32_t>(kTopSpecs.size()) &&
                                       child < static_cast<int32_t>(kTopSpecs[0].mids.size());
                    if (known) {
                        const MidSpec& spec = kTopSpecs[static_cast<size_t>(top)].mids[static_cast<size_t>(child)];
                        node.name = names.take(spec.name);
                        for (const char* word : spec.nouns) {
                            node.words.emplace_back(word);
                        }
                    } else {
                        node.name = names.take("");
                    }
                } else {
                    // Deeper nodes are product lines: a line word plus a weak shared descriptor.
                    const bool known = lineCursor < static_cast<int32_t>(kLineWords.size());
                    node.name = names.take(known ? kLineWords[static_cast<size_t>(lineCursor)] : "");
                    ++lineCursor;
                    node.words.push_back(node.name);
                    node.words.emplace_back(kLineDescriptors[static_cast<size_t>(
                        (lineCursor * 7) % static_cast<int32_t>(kLineDescriptors.size()))]);
                }
                if (node.words.empty()) {
                    for (int i = 0; i < 3; ++i) {
                        node.words.push_back(names.syllableName());
                    }
                }
                node.path = level == 0 ? node.name
                                       : tree[level - 1][static_cast<size_t>(parent)].path + " > " + node.name;
                tree[level].push_back(std::move(node));
            }
        }
    }
    return tree;
}

struct ItemDraft {
    std::vector<int32_t> path;  // node index per level
    int32_t brand = -1;
    int32_t price = 0;
    uint64_t weight = 1;
    std::string title;
};

void validate(const SyntheticConfig& config) {
    auto fail = [](const std::string& what) {
        throw std::invalid_argument("synthetic config: " + what);
    };
    if (config.users < 0 || config.items < 0) {
        fail("users and items must not be negative");
    }
    if (config.branching.empty()) {
        fail("branching needs at least one level");
    }
    int64_t nodes = 1;
    for (int32_t children : config.branching) {
        if (children < 1) {
            fail("every branching factor must be at least 1");
        }
        nodes *= children;
        if (nodes > kMaxTreeNodes) {
            fail("category tree too large");
        }
    }
    if (config.brandsPerTopCategory < 0 || config.minSequenceLength < 0 ||
        config.preferredTopCategories < 0) {
        fail("counts must not be negative");
    }
    if (static_cast<int64_t>(config.brandsPerTopCategory) * config.branching[0] > kMaxTreeNodes) {
        fail("too many brands");
    }
    if (!(config.popularitySkew >= 0.0 && config.popularitySkew <= 8.0)) {
        fail("popularitySkew must be in [0, 8]");
    }
    if (!(config.meanSequenceLength >= 0.0 && config.meanSequenceLength <= 1e6)) {
        fail("meanSequenceLength out of range");
    }
    const double transition = config.transitionProbability;
    const double exploration = config.explorationProbability;
    if (!(transition >= 0.0 && exploration >= 0.0 && transition + exploration <= 1.0)) {
        fail("transition and exploration probabilities must be >= 0 and sum to at most 1");
    }
}

/// Category tree, items and their pickers: everything users draw from.
struct Catalogue {
    Tree tree;
    std::vector<std::string> brandNames;
    std::vector<ItemDraft> items;
    std::vector<std::vector<WeightedPicker>> nodeItems;  // [level][node] items of the subtree
    WeightedPicker allItems;
    std::vector<WeightedPicker> successors;              // [item]
};

std::string makeTitle(const Catalogue& catalogue, const ItemDraft& item, Rng& rng) {
    const Tree& tree = catalogue.tree;
    // One word of the node at `level`, sometimes of a sibling (noise between close categories).
    auto wordAt = [&](size_t level) {
        int32_t node = item.path[level];
        if (rng.chance(kSiblingWordNoise)) {
            const int32_t siblings = static_cast<int32_t>(level == 0 ? tree[0].size()
                                                                     : tree[level].size() / tree[level - 1].size());
            const int32_t first = node - node % siblings;
            node = first + rng.belowInt(siblings);
        }
        const std::vector<std::string>& words = tree[level][static_cast<size_t>(node)].words;
        return words[static_cast<size_t>(rng.belowInt(static_cast<int32_t>(words.size())))];
    };

    std::vector<std::string> parts;
    if (item.brand >= 0) {
        parts.push_back(catalogue.brandNames[static_cast<size_t>(item.brand)]);
    }
    for (size_t level = tree.size(); level-- > 2;) {
        parts.push_back(wordAt(level));
    }
    if (tree.size() == 1 || rng.chance(kAdjectiveShare)) {
        parts.push_back(wordAt(0));
    }
    if (tree.size() >= 2) {
        parts.push_back(wordAt(1));
    } else {
        parts.emplace_back(kGenericNouns[static_cast<size_t>(rng.belowInt(static_cast<int32_t>(kGenericNouns.size())))]);
    }
    if (rng.chance(kVariantShare)) {
        parts.emplace_back(kVariants[static_cast<size_t>(rng.belowInt(static_cast<int32_t>(kVariants.size())))]);
    }
    std::string title;
    for (const std::string& part : parts) {
        if (!title.empty()) {
            title += ' ';
        }
        title += part;
    }
    return title;
}

/// Per-user taste: weighted top categories and, inside each, weighted mid categories.
struct Taste {
    WeightedPicker tops;
    std::vector<WeightedPicker> mids;  // parallel to tops.values()
};

Taste makeTaste(const SyntheticConfig& config, const Catalogue& catalogue, Rng& rng) {
    Taste taste;
    std::vector<int32_t> candidates;
    for (size_t top = 0; top < catalogue.tree[0].size(); ++top) {
        if (!catalogue.nodeItems[0][top].empty()) {
            candidates.push_back(static_cast<int32_t>(top));
        }
    }
    const size_t wanted = std::min(candidates.size(), static_cast<size_t>(config.preferredTopCategories));
    for (size_t i = 0; i < wanted; ++i) {  // partial Fisher-Yates
        const size_t j = i + static_cast<size_t>(rng.below(candidates.size() - i));
        std::swap(candidates[i], candidates[j]);
        const int32_t top = candidates[i];
        taste.tops.add(top, 1 + rng.below(10));

        WeightedPicker mids;
        if (catalogue.tree.size() >= 2) {
            std::vector<int32_t> children;
            const int32_t perTop = config.branching[1];
            for (int32_t mid = top * perTop; mid < (top + 1) * perTop; ++mid) {
                if (!catalogue.nodeItems[1][static_cast<size_t>(mid)].empty()) {
                    children.push_back(mid);
                }
            }
            const size_t midCount = std::min(children.size(), static_cast<size_t>(1 + rng.below(2)));
            for (size_t m = 0; m < midCount; ++m) {
                const size_t k = m + static_cast<size_t>(rng.below(children.size() - m));
                std::swap(children[m], children[k]);
                mids.add(children[m], 1 + rng.below(4));
            }
        }
        taste.mids.push_back(std::move(mids));
    }
    return taste;
}

int32_t pickPreferred(const Catalogue& catalogue, const Taste& taste, Rng& rng) {
    if (taste.tops.empty()) {
        return catalogue.allItems.pick(rng);
    }
    const size_t slot = taste.tops.pickSlot(rng);
    const WeightedPicker& mids = taste.mids[slot];
    if (!mids.empty() && rng.chance(kPreferredMidShare)) {
        return catalogue.nodeItems[1][static_cast<size_t>(mids.pick(rng))].pick(rng);
    }
    return catalogue.nodeItems[0][static_cast<size_t>(taste.tops.values()[slot])].pick(rng);
}

Catalogue buildCatalogue(const SyntheticConfig& config) {
    Catalogue catalogue;
    // Names do not depend on the seed: the demo's category and brand names stay put.
    NameMaker names(0);
    catalogue.tree = buildTree(config.branching, names);
    const Tree& tree = catalogue.tree;
    const size_t levels = tree.size();
    const int32_t topCount = static_cast<int32_t>(tree[0].size());
    const int32_t leafCount = static_cast<int32_t>(tree.back().size());
    const int32_t itemCount = config.items;

    const int32_t brandCount = config.brandsPerTopCategory * topCount;
    for (int32_t b = 0; b < brandCount; ++b) {
        const bool known = b < static_cast<int32_t>(kBrandNames.size());
        catalogue.brandNames.push_back(names.take(known ? kBrandNames[static_cast<size_t>(b)] : ""));
    }

    Rng rng(streamSeed(config.seed, kCatalogueStream, 0));

    // Balanced leaves: each gets floor or ceil of items/leaves; which ones get the extra item
    // (or any item at all, when items < leaves) is random, and so is the id order.
    std::vector<int32_t> leafOrder(static_cast<size_t>(leafCount));
    for (int32_t leaf = 0; leaf < leafCount; ++leaf) {
        leafOrder[static_cast<size_t>(leaf)] = leaf;
    }
    shuffle(leafOrder, rng);
    std::vector<int32_t> leafOf(static_cast<size_t>(itemCount));
    for (int32_t i = 0; i < itemCount; ++i) {
        leafOf[static_cast<size_t>(i)] = leafOrder[static_cast<size_t>(i % leafCount)];
    }
    shuffle(leafOf, rng);

    catalogue.items.resize(static_cast<size_t>(itemCount));
    std::vector<std::vector<int32_t>> leafMembers(static_cast<size_t>(leafCount));
    for (int32_t i = 0; i < itemCount; ++i) {
        ItemDraft& item = catalogue.items[static_cast<size_t>(i)];
        item.path.resize(levels);
        item.path[levels - 1] = leafOf[static_cast<size_t>(i)];
        for (size_t level = levels - 1; level > 0; --level) {
            item.path[level - 1] = item.path[level] / config.branching[level];
        }
        leafMembers[static_cast<size_t>(item.path[levels - 1])].push_back(i);
    }

    // Zipf within each leaf over a random rank order, times a mild per-leaf factor (4..8).
    const auto skewQ20 = static_cast<int64_t>(std::llround(config.popularitySkew * 1048576.0));
    for (std::vector<int32_t>& members : leafMembers) {
        const uint64_t leafFactor = 4 + rng.below(5);
        std::vector<int32_t> ranked = members;
        shuffle(ranked, rng);
        for (size_t r = 0; r < ranked.size(); ++r) {
            catalogue.items[static_cast<size_t>(ranked[r])].weight =
                zipfWeight(static_cast<int32_t>(r + 1), skewQ20) * leafFactor;
        }
    }

    // Brands belong to a top category and have a price tier their items mostly follow.
    std::vector<int32_t> brandTier(static_cast<size_t>(brandCount));
    for (int32_t& tier : brandTier) {
        tier = rng.belowInt(static_cast<int32_t>(kPriceNames.size()));
    }
    const auto priceCount = static_cast<int32_t>(kPriceNames.size());
    for (ItemDraft& item : catalogue.items) {
        if (brandCount > 0) {
            item.brand = rng.chance(kOwnTopBrandShare)
                             ? item.path[0] * config.brandsPerTopCategory + rng.belowInt(config.brandsPerTopCategory)
                             : rng.belowInt(brandCount);
            item.price = rng.chance(kBrandTierShare) ? brandTier[static_cast<size_t>(item.brand)]
                                                     : rng.belowInt(priceCount);
        } else {
            item.price = rng.belowInt(priceCount);
        }
        item.title = makeTitle(catalogue, item, rng);
    }

    catalogue.nodeItems.resize(levels);
    for (size_t level = 0; level < levels; ++level) {
        catalogue.nodeItems[level].resize(tree[level].size());
    }
    for (int32_t i = 0; i < itemCount; ++i) {
        const ItemDraft& item = catalogue.items[static_cast<size_t>(i)];
        for (size_t level = 0; level < levels; ++level) {
            catalogue.nodeItems[level][static_cast<size_t>(item.path[level])].add(i, item.weight);
        }
        catalogue.allItems.add(i, item.weight);
    }

    // Successors ("bought next"): mostly the same leaf or mid category, drawn by popularity.
    catalogue.successors.resize(static_cast<size_t>(itemCount));
    const size_t midLevel = levels >= 2 ? levels - 2 : 0;
    for (int32_t i = 0; i < itemCount; ++i) {
        const ItemDraft& item = catalogue.items[static_cast<size_t>(i)];
        const int32_t wanted = std::min<int32_t>(3 + rng.belowInt(3), itemCount - 1);
        std::vector<int32_t> chosen;
        for (int32_t slot = 0; slot < wanted; ++slot) {
            for (int32_t attempt = 0; attempt < 8; ++attempt) {
                const double r = rng.uniform();
                const WeightedPicker& scope =
                    r < 0.55   ? catalogue.nodeItems[levels - 1][static_cast<size_t>(item.path[levels - 1])]
                    : r < 0.85 ? catalogue.nodeItems[midLevel][static_cast<size_t>(item.path[midLevel])]
                    : r < 0.95 ? catalogue.nodeItems[0][static_cast<size_t>(item.path[0])]
                               : catalogue.allItems;
                const int32_t candidate = scope.pick(rng);
                if (candidate != i && std::find(chosen.begin(), chosen.end(), candidate) == chosen.end()) {
                    chosen.push_back(candidate);
                    catalogue.successors[static_cast<size_t>(i)].add(candidate, 1 + rng.below(8));
                    break;
                }
            }
        }
    }
    return catalogue;
}

int32_t sequenceLength(const SyntheticConfig& config, Rng& rng) {
    if (config.items == 0) {
        return 0;
    }
    // min + geometric tail with the requested mean, capped.
    const int32_t cap = std::max(kSequenceCap, config.minSequenceLength);
    const double extraMean = std::max(0.0, config.meanSequenceLength - config.minSequenceLength);
    const double keepGoing = extraMean / (1.0 + extraMean);
    int32_t length = config.minSequenceLength;
    while (length < cap && rng.chance(keepGoing)) {
        ++length;
    }
    return length;
}

UserSequence generateUser(const SyntheticConfig& config, const Catalogue& catalogue, int32_t user,
                          const Taste& taste, std::vector<int32_t>& lastBuyer, Rng& rng) {
    UserSequence sequence;
    sequence.rawId = "u" + std::to_string(user + 1);
    const int32_t length = sequenceLength(config, rng);
    const int32_t itemCount = config.items;
    sequence.items.reserve(static_cast<size_t>(length));
    sequence.timestamps.reserve(static_cast<size_t>(length));

    auto draw = [&](int32_t previous) {
        const double r = rng.uniform();
        if (r < config.transitionProbability) {
            if (previous >= 0 && !catalogue.successors[static_cast<size_t>(previous)].empty()) {
                return catalogue.successors[static_cast<size_t>(previous)].pick(rng);
            }
            return pickPreferred(catalogue, taste, rng);
        }
        if (r < config.transitionProbability + config.explorationProbability) {
            return catalogue.allItems.pick(rng);
        }
        return pickPreferred(catalogue, taste, rng);
    };

    int64_t time = kEpochSeconds + static_cast<int64_t>(rng.below(kStartSpreadSeconds));
    int32_t previous = -1;
    for (int32_t step = 0; step < length; ++step) {
        int32_t chosen = -1;
        for (int32_t attempt = 0; attempt < kMaxAttempts && chosen < 0; ++attempt) {
            const int32_t candidate = draw(previous);
            if (candidate == previous && itemCount > 1) {
                continue;
            }
            if (lastBuyer[static_cast<size_t>(candidate)] == user && !rng.chance(kRebuyProbability)) {
                continue;
            }
            chosen = candidate;
        }
        if (chosen < 0) {
            // Tiny catalogues or a user who bought the whole subtree: any other item.
            chosen = previous < 0 || itemCount == 1
                         ? rng.belowInt(itemCount)
                         : (previous + 1 + rng.belowInt(itemCount - 1)) % itemCount;
        }
        if (step > 0) {
            // Same-session gaps (seconds to an hour) mixed with gaps of days.
            time += rng.chance(0.6) ? 30 + static_cast<int64_t>(rng.below(3600))
                                    : 3600 + static_cast<int64_t>(rng.below(21LL * 24 * 3600));
        }
        lastBuyer[static_cast<size_t>(chosen)] = user;
        sequence.items.push_back(chosen);
        sequence.timestamps.push_back(time);
        previous = chosen;
    }
    return sequence;
}

/// Gives items no user drew one interaction each, replacing an interaction with an item that
/// has others to spare, preferably for a user who likes the item's top category and next to
/// the closest category. Keeps lengths and timestamps.
void coverAllItems(const SyntheticConfig& config, const Catalogue& catalogue,
                   const std::vector<std::vector<int32_t>>& userTops, std::vector<UserSequence>& users) {
    const auto itemCount = static_cast<size_t>(config.items);
    std::vector<int32_t> counts(itemCount, 0);
    for (const UserSequence& user : users) {
        for (int32_t item : user.items) {
            ++counts[static_cast<size_t>(item)];
        }
    }
    if (users.empty()) {
        return;
    }
    const auto levels = static_cast<int32_t>(catalogue.tree.size());
    auto closeness = [&](int32_t a, int32_t b) {
        const std::vector<int32_t>& pathA = catalogue.items[static_cast<size_t>(a)].path;
        const std::vector<int32_t>& pathB = catalogue.items[static_cast<size_t>(b)].path;
        int32_t shared = 0;
        while (shared < levels && pathA[static_cast<size_t>(shared)] == pathB[static_cast<size_t>(shared)]) {
            ++shared;
        }
        return shared;
    };

    Rng rng(streamSeed(config.seed, kCoverageStream, 0));
    const int32_t bestPossible = 1 + levels;
    for (size_t item = 0; item < itemCount; ++item) {
        if (counts[item] > 0) {
            continue;
        }
        const auto newItem = static_cast<int32_t>(item);
        const int32_t top = catalogue.items[item].path[0];
        int32_t bestScore = -1;
        size_t bestUser = 0;
        size_t bestPosition = 0;
        for (int32_t attempt = 0; attempt < kCoverageUserTries && bestScore < bestPossible; ++attempt) {
            const auto user = static_cast<size_t>(rng.below(users.size()));
            const std::vector<int32_t>& tops = userTops[user];
            const int32_t likes = std::find(tops.begin(), tops.end(), top) != tops.end() ? 1 : 0;
            const std::vector<int32_t>& sequence = users[user].items;
            for (size_t position = 0; position < sequence.size(); ++position) {
                const int32_t old = sequence[position];
                if (counts[static_cast<size_t>(old)] < 2) {
                    continue;
                }
                const int32_t score = likes + closeness(old, newItem);
                if (score > bestScore) {
                    bestScore = score;
                    bestUser = user;
                    bestPosition = position;
                }
            }
        }
        if (bestScore >= 0) {
            int32_t& slot = users[bestUser].items[bestPosition];
            --counts[static_cast<size_t>(slot)];
            slot = newItem;
            ++counts[item];
        }
    }
}

}  // namespace

SyntheticData generateSynthetic(const SyntheticConfig& config) {
    validate(config);
    const Catalogue catalogue = buildCatalogue(config);
    const Tree& tree = catalogue.tree;
    const size_t levels = tree.size();

    SyntheticData data;
    Dataset& dataset = data.dataset;

    // Vocabulary: every category node level by level, then brands, then price buckets.
    std::vector<int32_t> levelOffset(levels);
    for (size_t level = 0; level < levels; ++level) {
        levelOffset[level] = static_cast<int32_t>(dataset.attributeVocab.size());
        const std::string field = "category_l" + std::to_string(level + 1);
        for (const TreeNode& node : tree[level]) {
            dataset.attributeVocab.push_back({field, node.path});
        }
    }
    const auto brandOffset = static_cast<int32_t>(dataset.attributeVocab.size());
    for (const std::string& brand : catalogue.brandNames) {
        dataset.attributeVocab.push_back({"brand", brand});
    }
    const auto priceOffset = static_cast<int32_t>(dataset.attributeVocab.size());
    for (const char* price : kPriceNames) {
        dataset.attributeVocab.push_back({"price", price});
    }

    dataset.items.reserve(catalogue.items.size());
    data.truth.categoryPath.reserve(catalogue.items.size());
    data.truth.topCategory.reserve(catalogue.items.size());
    for (size_t i = 0; i < catalogue.items.size(); ++i) {
        const ItemDraft& draft = catalogue.items[i];
        ItemInfo info;
        info.rawId = "i" + std::to_string(i + 1);
        info.title = draft.title;
        for (size_t level = 0; level < levels; ++level) {
            info.attributes.push_back(levelOffset[level] + draft.path[level]);
        }
        if (draft.brand >= 0) {
            info.attributes.push_back(brandOffset + draft.brand);
        }
        info.attributes.push_back(priceOffset + draft.price);
        std::sort(info.attributes.begin(), info.attributes.end());
        dataset.items.push_back(std::move(info));
        data.truth.categoryPath.push_back(draft.path);
        data.truth.topCategory.push_back(draft.path[0]);
    }

    // Each user draws from its own stream, so one user's history does not shift another's.
    dataset.users.reserve(static_cast<size_t>(config.users));
    std::vector<std::vector<int32_t>> userTops;
    userTops.reserve(static_cast<size_t>(config.users));
    std::vector<int32_t> lastBuyer(catalogue.items.size(), -1);
    for (int32_t user = 0; user < config.users; ++user) {
        Rng rng(streamSeed(config.seed, kUserStream, static_cast<uint64_t>(user)));
        const Taste taste = makeTaste(config, catalogue, rng);
        dataset.users.push_back(generateUser(config, catalogue, user, taste, lastBuyer, rng));
        userTops.push_back(taste.tops.values());
    }
    coverAllItems(config, catalogue, userTops, dataset.users);
    return data;
}

}  // namespace tokenbench::core
