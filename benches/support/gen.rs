//! The benchmark workload generator, a development tool outside the library: shared by the
//! benches, the tests and `cargo run --release --example jixiao-gen` (docs/PERFORMANCE.md). Writes a 绩效目标申报表 汇总表 of N projects in canonical format, with
//! the variety of the real forms in `examples/` — departments of a district, 年度总体目标
//! paragraphs of realistic length, 12–25 indicators over 成本/产出/效益/满意度 with quantitative
//! and qualitative values, cost caps in 万元 that add up to the funding — and, in about one
//! project in twenty, one of the mistakes the real forms contain (a funding sum off, a misplaced
//! category, a zero target, an OCR remnant, a low satisfaction target, costs that cover only part
//! of the funding), so that diagnostics exist.
//!
//! The same projects can be rendered as TOML (`--toml`), as a user who chose TOML would write
//! them, to measure a TOML language server on a file of the same shape.
//!
//! Deterministic for a seed: a SplitMix64 of its own, no dependency.

// Each includer (bench, test, example) uses a different part.
#![allow(dead_code)]

use std::fmt::Write as _;

/// The year of the generated forms (the shanghai-2025 profile: 成本指标 required).
pub const YEAR: i32 = 2025;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for workloads.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6a09_e667_f3bc_c909)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.next_u64() as usize % xs.len()]
    }
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.range(0, i as u64) as usize;
            xs.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: departments, project themes, indicator templates.

const DISTRICT: &str = "松江区";
const TOWNS: &[&str] = &[
    "岳阳街道",
    "永丰街道",
    "方松街道",
    "中山街道",
    "广富林街道",
    "九里亭街道",
    "泗泾镇",
    "佘山镇",
    "车墩镇",
    "新桥镇",
    "洞泾镇",
    "九亭镇",
    "泖港镇",
    "石湖荡镇",
    "新浜镇",
    "叶榭镇",
    "小昆山镇",
];
const NAME_SUFFIXES: &[&str] = &["经费", "项目", "专项经费", "工作经费"];

/// A department: its 主管部门, its 实施单位 and why it spends money.
struct Sector {
    authority: &'static str,
    implementers: &'static [&'static str],
    purposes: &'static [&'static str],
}

const SECTORS: &[Sector] = &[
    Sector {
        authority: "医疗保障局",
        implementers: &["医疗保险事务中心", "医疗保障事务中心"],
        purposes: &[
            "保障参保人员合法权益，提高医保经办服务水平",
            "维护医保基金安全，推进医保治理体系和治理能力现代化",
            "落实多层次医疗保障制度，减轻群众就医负担",
        ],
    },
    Sector {
        authority: "卫生健康委员会",
        implementers: &[
            "疾病预防控制中心",
            "社区卫生服务管理中心",
            "卫生健康事务中心",
        ],
        purposes: &[
            "保障辖区居民身体健康，提升基层医疗卫生服务能力",
            "落实公共卫生服务项目，筑牢公共卫生安全防线",
        ],
    },
    Sector {
        authority: "教育局",
        implementers: &["教育技术装备中心", "教师进修学院", "教育保障中心"],
        purposes: &[
            "改善办学条件，促进义务教育优质均衡发展",
            "提升教师专业素养，办好人民满意的教育",
        ],
    },
    Sector {
        authority: "民政局",
        implementers: &[
            "社会救助事务管理中心",
            "养老服务指导中心",
            "民政事务服务中心",
        ],
        purposes: &[
            "兜牢基本民生底线，保障困难群众基本生活",
            "完善养老服务体系，满足老年人多样化养老服务需求",
        ],
    },
    Sector {
        authority: "人力资源和社会保障局",
        implementers: &["就业促进中心", "劳动人事争议仲裁院", "职业技能鉴定中心"],
        purposes: &[
            "稳定和扩大就业，提高劳动者职业技能水平",
            "维护劳动者合法权益，促进劳动关系和谐稳定",
        ],
    },
    Sector {
        authority: "绿化和市容管理局",
        implementers: &["环境卫生管理所", "绿化管理所", "市容景观管理中心"],
        purposes: &[
            "改善城市环境面貌，提升城市精细化管理水平",
            "推进生活垃圾分类，建设整洁、有序、美丽的城区环境",
        ],
    },
    Sector {
        authority: "文化和旅游局",
        implementers: &["文化馆", "图书馆", "文物保护管理所"],
        purposes: &[
            "完善公共文化服务体系，丰富群众精神文化生活",
            "保护和传承优秀传统文化，推动文化和旅游融合发展",
        ],
    },
    Sector {
        authority: "体育局",
        implementers: &["体育中心", "青少年业余体校", "社会体育指导中心"],
        purposes: &[
            "推进全民健身，提高市民身体素质和健康水平",
            "完善公共体育服务体系，满足群众健身需求",
        ],
    },
    Sector {
        authority: "生态环境局",
        implementers: &["环境监测站", "生态环境执法大队"],
        purposes: &[
            "持续改善生态环境质量，打好污染防治攻坚战",
            "提升环境监测能力，为环境管理提供科学依据",
        ],
    },
    Sector {
        authority: "水务局",
        implementers: &["水务管理所", "防汛物资储备中心", "河湖管理事务中心"],
        purposes: &[
            "保障城市防汛安全，改善河湖水环境",
            "落实河长制工作要求，提升水务设施运行管理水平",
        ],
    },
    Sector {
        authority: "交通委员会",
        implementers: &["公路管理所", "交通运输事业发展中心"],
        purposes: &[
            "保障道路安全畅通，提升公共交通服务水平",
            "完善综合交通体系，方便市民安全便捷出行",
        ],
    },
];

/// A project theme: name, the thing it produces (`obj`, counted in `unit`), who it serves, and
/// the activity (`act`). Indicator templates and goal sentences are filled from these.
struct Theme {
    sector: usize,
    name: &'static str,
    obj: &'static str,
    unit: &'static str,
    /// Typical yearly quantity of `obj` (the generated value is around it).
    qty: u64,
    people: &'static str,
    act: &'static str,
}

macro_rules! themes {
    ($(($s:expr, $n:literal, $o:literal, $u:literal, $q:expr, $p:literal, $a:literal)),* $(,)?) => {
        &[$(Theme { sector: $s, name: $n, obj: $o, unit: $u, qty: $q, people: $p, act: $a }),*]
    };
}

const THEMES: &[Theme] = themes![
    (
        0,
        "医保政策宣传与推广",
        "宣传资料",
        "份",
        40000,
        "参保人员",
        "政策宣传"
    ),
    (
        0,
        "医保业务档案管理",
        "业务档案",
        "件",
        120000,
        "档案使用者",
        "档案整理"
    ),
    (
        0,
        "医疗救助资金发放",
        "救助对象",
        "人次",
        8000,
        "救助对象",
        "救助审核"
    ),
    (
        0,
        "医保信息系统运行维护",
        "信息系统",
        "套",
        6,
        "系统使用人员",
        "系统运维"
    ),
    (
        0,
        "定点医药机构监督检查",
        "定点医药机构",
        "家",
        300,
        "参保人员",
        "监督检查"
    ),
    (
        0,
        "参保人员就医凭证制作",
        "就医记录册",
        "本",
        60000,
        "参保人员",
        "凭证制作"
    ),
    (
        0,
        "医保经办窗口服务",
        "经办业务",
        "件",
        150000,
        "办事群众",
        "窗口经办"
    ),
    (
        1,
        "重大传染病防控",
        "监测报告",
        "份",
        500,
        "辖区居民",
        "疫情监测"
    ),
    (
        1,
        "社区卫生服务中心设备购置",
        "医疗设备",
        "台",
        40,
        "就诊居民",
        "设备采购"
    ),
    (
        1,
        "老年人健康体检",
        "健康体检",
        "人次",
        50000,
        "老年人",
        "健康体检"
    ),
    (
        1,
        "家庭医生签约服务",
        "签约家庭",
        "户",
        30000,
        "签约居民",
        "签约随访"
    ),
    (
        2,
        "中小学校舍维修",
        "校舍维修工程",
        "项",
        25,
        "师生",
        "校舍维修"
    ),
    (
        2,
        "中小学教师培训",
        "培训课程",
        "场",
        120,
        "参训教师",
        "教师培训"
    ),
    (
        2,
        "学生营养午餐补助",
        "营养午餐",
        "份",
        900000,
        "学生",
        "午餐供应"
    ),
    (
        2,
        "教育信息化建设",
        "智慧教室",
        "个",
        80,
        "师生",
        "信息化建设"
    ),
    (
        3,
        "困难群众生活救助",
        "救助家庭",
        "户",
        3000,
        "困难群众",
        "救助发放"
    ),
    (
        3,
        "老年人养老服务补贴",
        "补贴对象",
        "人",
        12000,
        "老年人",
        "补贴发放"
    ),
    (
        3,
        "社区养老服务设施运营",
        "长者照护之家",
        "家",
        20,
        "入住老人",
        "设施运营"
    ),
    (
        4,
        "职业技能培训补贴",
        "技能培训",
        "人次",
        6000,
        "参训人员",
        "技能培训"
    ),
    (
        4,
        "就业援助",
        "就业岗位",
        "个",
        2000,
        "就业困难人员",
        "就业援助"
    ),
    (
        4,
        "劳动人事争议仲裁",
        "仲裁案件",
        "件",
        4000,
        "当事人",
        "案件审理"
    ),
    (5, "道路清扫保洁", "保洁道路", "条", 400, "市民", "道路保洁"),
    (
        5,
        "生活垃圾分类处置",
        "分类收集点",
        "个",
        1500,
        "居民",
        "垃圾分类"
    ),
    (5, "公园绿地养护", "养护绿地", "块", 200, "游客", "绿地养护"),
    (
        6,
        "公共文化配送",
        "文化活动",
        "场",
        600,
        "社区居民",
        "文化配送"
    ),
    (
        6,
        "非物质文化遗产保护传承",
        "非遗项目",
        "项",
        30,
        "市民",
        "非遗保护"
    ),
    (
        6,
        "公共图书馆运行",
        "图书借阅",
        "人次",
        500000,
        "读者",
        "图书借阅服务"
    ),
    (
        7,
        "全民健身设施更新",
        "健身苑点",
        "个",
        60,
        "健身市民",
        "设施更新"
    ),
    (
        7,
        "青少年体育培训",
        "体育培训",
        "人次",
        9000,
        "青少年",
        "体育培训"
    ),
    (
        8,
        "环境空气质量监测",
        "监测点位",
        "个",
        30,
        "市民",
        "环境监测"
    ),
    (
        8,
        "河道水质监测",
        "水质监测断面",
        "个",
        120,
        "沿河居民",
        "水质监测"
    ),
    (9, "河道轮疏", "疏浚河道", "条", 50, "沿河居民", "河道疏浚"),
    (
        9,
        "防汛物资储备",
        "防汛物资",
        "批",
        12,
        "辖区居民",
        "物资储备"
    ),
    (
        10,
        "公路养护",
        "养护公路",
        "条",
        90,
        "过往车辆驾乘人员",
        "公路养护"
    ),
    (
        10,
        "公交运营补贴",
        "公交线路",
        "条",
        110,
        "乘客",
        "公交运营"
    ),
];

/// What a project's goal cites as its basis.
const BASES: &[&str] = &[
    "《上海市预算绩效管理实施办法》有关要求",
    "《中共上海市委 上海市人民政府关于我市全面实施预算绩效管理的实施意见》",
    "区委、区政府年度重点工作安排",
    "本单位年度工作计划和部门职责",
    "上级主管部门关于做好本年度相关工作的通知精神",
];

const NATURES: &[&str] = &[
    "经常性专项业务费",
    "经常性专项业务费",
    "其他经常性项目",
    "其他一次性项目",
    "一次性专项业务费",
];
const CATEGORIES: &[&str] = &["特定目标类", "特定目标类", "其他运转类"];
const COST_KINDS: &[&str] = &[
    "采购",
    "服务",
    "运维",
    "印制",
    "人力",
    "场地租赁",
    "培训",
    "劳务",
    "专家咨询",
    "监理",
    "物业",
    "材料",
];

/// How an indicator's value is made.
#[derive(Clone, Copy)]
enum V {
    /// `≥N(unit)` with the theme's unit and quantity.
    Count,
    /// `≥N(单位)` with a fixed unit, N in the range.
    Fixed(&'static str, u64, u64),
    /// `=100.00(%)`.
    Full,
    /// `≥P.00(%)`, P in the range.
    AtLeast(u64, u64),
    /// `≤P.00(%)`, P in the range (error rates).
    AtMost(u64, u64),
    /// `≤N(单位)`, N in the range (durations).
    Within(&'static str, u64, u64),
    /// One of the words.
    Words(&'static [&'static str]),
}

/// `{o}`, `{a}`, `{p}` stand for the theme's obj, act, people.
type Tpl = (&'static str, V);

const QUANTITY: &[Tpl] = &[
    ("{o}数量", V::Count),
    ("{a}完成率", V::Full),
    ("{a}开展次数", V::Fixed("次", 4, 60)),
    ("服务{p}人次", V::Fixed("人次", 500, 90000)),
    ("{a}覆盖街镇数", V::Fixed("个", 10, 17)),
    ("督导检查次数", V::Fixed("次", 2, 24)),
    ("{o}台账建立数量", V::Fixed("份", 1, 20)),
    ("工作简报编发数量", V::Fixed("份", 4, 24)),
];
const QUALITY: &[Tpl] = &[
    ("{o}验收合格率", V::AtLeast(95, 99)),
    ("{a}准确率", V::Full),
    ("{a}规范性", V::Words(&["规范", "符合规范要求", "规范有序"])),
    ("{o}完整性", V::Words(&["完整", "资料完整"])),
    ("{a}差错率", V::AtMost(1, 3)),
    ("{a}质量达标率", V::AtLeast(95, 98)),
    ("{o}安全事故发生次数", V::Within("次", 0, 0)),
    ("{a}工作标准执行情况", V::Words(&["符合", "严格执行"])),
];
const TIMELINESS: &[Tpl] = &[
    ("{a}完成及时性", V::Words(&["及时", "按时完成"])),
    ("{a}及时率", V::Full),
    ("{o}交付周期", V::Within("天", 7, 60)),
    ("问题响应时间", V::Within("小时", 2, 48)),
    ("{a}完成时限", V::Within("个月", 6, 12)),
    ("资金拨付及时性", V::Words(&["及时"])),
];
const SOCIAL: &[Tpl] = &[
    ("{p}政策知晓率", V::AtLeast(80, 95)),
    (
        "{a}工作效率提升情况",
        V::Words(&["提升", "显著提升", "有效提高"]),
    ),
    ("{p}获得感增强情况", V::Words(&["显著增强", "增强"])),
    ("{o}服务覆盖率", V::AtLeast(90, 99)),
    ("{p}合法权益保障情况", V::Words(&["有效保障", "保障"])),
    ("{a}社会影响", V::Words(&["良好", "社会反响良好"])),
    ("公共服务均等化水平", V::Words(&["逐步提高", "提高"])),
];
const ECONOMIC: &[Tpl] = &[
    ("节约运行成本", V::Fixed("万元", 5, 80)),
    ("带动相关产业发展情况", V::Words(&["有效带动"])),
];
const SUSTAIN: &[Tpl] = &[
    ("长效管理机制建设情况", V::Words(&["健全完善", "建立健全"])),
    ("{o}管理制度完善情况", V::Words(&["完善", "持续完善"])),
    ("{a}可持续运行情况", V::Words(&["可持续", "持续稳定运行"])),
];
const SATISFACTION: &[Tpl] = &[
    ("{p}满意度", V::AtLeast(90, 95)),
    ("{a}服务满意度", V::AtLeast(90, 95)),
    ("相关部门满意度", V::AtLeast(90, 92)),
];

// ---------------------------------------------------------------------------------------------
// The generated data, rendered as jixiao or as TOML.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mistake {
    /// 当年财政拨款 does not add up to the total (funding-sum).
    FundingSum,
    /// 社会效益指标 under 产出指标 (misplaced-category).
    Misplaced,
    /// A 达标率 with target =0.00(%) (zero-target).
    ZeroTarget,
    /// A satisfaction target as `$\geq 90.00\%$` (ocr-remnant).
    Remnant,
    /// A satisfaction target of 85% (satisfaction-low).
    LowSatisfaction,
    /// Cost caps covering only part of the funding (cost-funding-gap).
    CostGap,
}

const MISTAKES: &[Mistake] = &[
    Mistake::FundingSum,
    Mistake::Misplaced,
    Mistake::ZeroTarget,
    Mistake::Remnant,
    Mistake::LowSatisfaction,
    Mistake::CostGap,
];

/// An indicator value: quantitative (op, hundredths, unit) or text.
#[derive(Debug, Clone)]
enum Value {
    Quant {
        op: &'static str,
        hundredths: u64,
        unit: &'static str,
    },
    Text(String),
}

#[derive(Debug, Clone)]
struct Indicator {
    name: String,
    value: Value,
}

#[derive(Debug, Clone)]
struct Level2 {
    name: &'static str,
    indicators: Vec<Indicator>,
}

#[derive(Debug, Clone)]
struct Level1 {
    name: &'static str,
    level2: Vec<Level2>,
}

/// Money in fen (hundredths of 元), exact.
#[derive(Debug, Clone)]
struct Funding {
    total: u64,
    current_year: u64,
    carryover: u64,
    other: u64,
}

#[derive(Debug, Clone)]
struct ProjectData {
    name: String,
    nature: &'static str,
    category: &'static str,
    authority: String,
    implementer: String,
    start: (i32, u32, u32),
    end: (i32, u32, u32),
    funding: Funding,
    goal: Vec<String>,
    comment: Option<String>,
    level1: Vec<Level1>,
}

struct Form {
    seed: u64,
    projects: Vec<ProjectData>,
}

fn fill(tpl: &str, t: &Theme) -> String {
    tpl.replace("{o}", t.obj)
        .replace("{a}", t.act)
        .replace("{p}", t.people)
}

fn value_of(v: V, t: &Theme, rng: &mut Rng) -> Value {
    let q = |op: &'static str, n: u64, unit: &'static str| Value::Quant {
        op,
        hundredths: n * 100,
        unit,
    };
    match v {
        V::Count => {
            let n = (t.qty * rng.range(70, 130) / 100).max(1);
            q("≥", round_nicely(n), t.unit)
        }
        V::Fixed(unit, lo, hi) => q("≥", round_nicely(rng.range(lo, hi)), unit),
        V::Full => q("=", 100, "%"),
        V::AtLeast(lo, hi) => q("≥", rng.range(lo, hi), "%"),
        V::AtMost(lo, hi) => q("≤", rng.range(lo, hi), "%"),
        V::Within(unit, lo, hi) if lo == hi => q("=", lo, unit),
        V::Within(unit, lo, hi) => q("≤", rng.range(lo, hi), unit),
        V::Words(ws) => Value::Text(rng.pick(ws).to_string()),
    }
}

/// Two significant digits for large counts, as forms write them (40000, not 40317).
fn round_nicely(n: u64) -> u64 {
    let mut m = 1;
    while n / m >= 100 {
        m *= 10;
    }
    (n / m).max(1) * m
}

/// `k` indicators from `pool` (distinct names).
fn pick_indicators(pool: &[Tpl], k: usize, t: &Theme, rng: &mut Rng) -> Vec<Indicator> {
    let mut idx: Vec<usize> = (0..pool.len()).collect();
    rng.shuffle(&mut idx);
    idx.truncate(k.min(pool.len()));
    idx.sort_unstable();
    idx.into_iter()
        .map(|i| Indicator {
            name: fill(pool[i].0, t),
            value: value_of(pool[i].1, t, rng),
        })
        .collect()
}

/// Splits `total` into `n` positive parts (n ≤ total).
fn split(total: u64, n: usize, rng: &mut Rng) -> Vec<u64> {
    let mut weights: Vec<u64> = (0..n).map(|_| rng.range(1, 10)).collect();
    let wsum: u64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights
        .iter_mut()
        .map(|w| (total * *w / wsum).max(1))
        .collect();
    let assigned: u64 = parts.iter().sum();
    parts[0] = (parts[0] + total).saturating_sub(assigned).max(1);
    parts
}

fn goal_paragraphs(
    t: &Theme,
    s: &Sector,
    implementer: &str,
    levels: &[Level1],
    rng: &mut Rng,
) -> Vec<String> {
    fn find<'a>(levels: &'a [Level1], l2: &'a str) -> impl Iterator<Item = &'a Indicator> {
        levels
            .iter()
            .flat_map(|l| &l.level2)
            .filter(move |x| x.name == l2)
            .flat_map(|x| &x.indicators)
    }
    let mut first = format!(
        "根据{}，为{}，{} 年{}计划开展{}工作",
        rng.pick(BASES),
        rng.pick(s.purposes),
        YEAR,
        implementer,
        t.act
    );
    for ind in find(levels, "数量指标").take(2) {
        if let Value::Quant {
            hundredths, unit, ..
        } = ind.value
        {
            if unit != "%" {
                let _ = write!(first, "，{}不少于 {} {}", ind.name, hundredths / 100, unit);
            }
        }
    }
    for ind in find(levels, "质量指标")
        .chain(find(levels, "时效指标"))
        .take(3)
    {
        match &ind.value {
            Value::Quant {
                op: "=",
                hundredths: 10000,
                unit: "%",
            } => {
                let _ = write!(first, "，{}达到 100%", ind.name);
            }
            Value::Quant {
                op: "≥",
                hundredths,
                unit: "%",
            } => {
                let _ = write!(first, "，{}不低于 {}%", ind.name, hundredths / 100);
            }
            Value::Text(w) if w.contains("时") => {
                let _ = write!(first, "，确保{}{}", t.act, w);
            }
            _ => {}
        }
    }
    first.push('。');
    let middles = [
        format!(
            "项目严格按照有关规定实施，规范资金使用和管理流程，确保{}各环节有序衔接、责任落实到人",
            t.act
        ),
        format!(
            "通过加强{}全过程管理，进一步提升{}的质量和效率，切实发挥财政资金使用效益",
            t.act, t.obj
        ),
        format!(
            "同时做好{}相关信息公开和宣传解读工作，主动接受社会监督，及时回应{}关切",
            t.act, t.people
        ),
        format!(
            "项目实施中坚持问题导向和目标导向，定期开展督导检查，发现问题及时整改，确保{}工作取得实效",
            t.act
        ),
    ];
    let mut paras = vec![first];
    let closing = format!(
        "项目完成后，力争{}获得感、幸福感、安全感进一步增强，{}满意度达到 90% 以上，为建立健全长效管理机制打下坚实基础。",
        t.people, t.people
    );
    match rng.range(0, 9) {
        0..=4 => {
            let i = rng.range(0, middles.len() as u64 - 1) as usize;
            let (a, b) = (&middles[i], &middles[(i + 2) % middles.len()]);
            let p = paras.last_mut().unwrap();
            let _ = write!(p, "{a}；{b}。{closing}");
        }
        5..=7 => {
            paras.push(format!("{}。{}", rng.pick(&middles), closing));
        }
        _ => {
            let i = rng.range(0, middles.len() as u64 - 1) as usize;
            paras.push(format!("{}。", middles[i]));
            paras.push(format!("{}。{}", middles[(i + 1) % middles.len()], closing));
        }
    }
    paras
}

fn project(rng: &mut Rng, name: String, t: &Theme) -> ProjectData {
    let s = &SECTORS[t.sector];
    let mistake = rng.chance(1, 20).then(|| *rng.pick(MISTAKES));
    let authority = format!("上海市{DISTRICT}{}", s.authority);
    let implementer = format!("上海市{DISTRICT}{}", rng.pick(s.implementers));

    // Funding: log-uniform between 5 万元 and 5,000 万元; mostly round thousands.
    let exp = rng.range(0, 3000) as f64 / 1000.0;
    let yuan = (50_000.0 * 10f64.powf(exp)) as u64;
    let yuan = if rng.chance(7, 10) {
        (yuan / 1000).max(1) * 1000
    } else {
        yuan
    };
    let total = yuan * 100;
    let (mut carryover, mut other) = (0, 0);
    if rng.chance(1, 5) {
        carryover = total * rng.range(5, 40) / 100 / 100 * 100;
    }
    if rng.chance(1, 10) {
        other = (total - carryover) * rng.range(5, 30) / 100 / 100 * 100;
    }
    let mut current_year = total - carryover - other;
    if mistake == Some(Mistake::FundingSum) {
        current_year += 100 * 10u64.pow(rng.range(3, 5) as u32);
    }
    let funding = Funding {
        total,
        current_year,
        carryover,
        other,
    };

    // Indicators: 12–25 in all.
    let k = rng.range(12, 25) as usize;
    let n_cost = rng.range(1, 3) as usize;
    let n_sat = rng.range(1, 2) as usize;
    let n_sus = rng.range(1, 2) as usize;
    let n_eco = usize::from(rng.chance(1, 6));
    let rest = k - n_cost - n_sat - n_sus - n_eco;
    // 数量, 质量, 时效, 社会效益 share the rest.
    let mut shares = [1usize, 1, 1, 1];
    for _ in 0..rest.saturating_sub(4) {
        shares[rng.range(0, 3) as usize] += 1;
    }
    let pools = [QUANTITY, QUALITY, TIMELINESS, SOCIAL];
    let [qty, mut qual, time, social] =
        std::array::from_fn(|i| pick_indicators(pools[i], shares[i], t, rng));
    if mistake == Some(Mistake::ZeroTarget) {
        qual.push(Indicator {
            name: format!("{}软件测评达标率", t.act),
            value: Value::Quant {
                op: "=",
                hundredths: 0,
                unit: "%",
            },
        });
    }

    // Cost caps in 万元, two decimals, adding up to the total within rounding (≤ 50 元 each).
    let wan_cents = (total + 5_000) / 10_000; // hundredths of 万元
    let covered = if mistake == Some(Mistake::CostGap) {
        wan_cents * rng.range(40, 85) / 100
    } else {
        wan_cents
    };
    let mut kinds: Vec<&str> = COST_KINDS.to_vec();
    rng.shuffle(&mut kinds);
    let caps = split(covered.max(n_cost as u64), n_cost, rng);
    let mut cost: Vec<Indicator> = caps
        .iter()
        .zip(&kinds)
        .map(|(&c, kind)| Indicator {
            name: format!("{}{kind}成本", t.obj),
            value: Value::Quant {
                op: "≤",
                hundredths: c,
                unit: "万元",
            },
        })
        .collect();
    if rng.chance(1, 8) {
        cost.push(Indicator {
            name: format!("{}单位成本", t.obj),
            value: Value::Quant {
                op: "≤",
                hundredths: rng.range(5, 400) * 100,
                unit: "元/人",
            },
        });
    }

    let mut sat = pick_indicators(SATISFACTION, n_sat, t, rng);
    match mistake {
        Some(Mistake::Remnant) => sat[0].value = Value::Text("$\\geq 90.00\\%$".into()),
        Some(Mistake::LowSatisfaction) => {
            sat[0].value = Value::Quant {
                op: "≥",
                hundredths: 8500,
                unit: "%",
            }
        }
        _ => {}
    }

    let social_l2 = Level2 {
        name: "社会效益指标",
        indicators: social,
    };
    let mut output = vec![
        Level2 {
            name: "数量指标",
            indicators: qty,
        },
        Level2 {
            name: "质量指标",
            indicators: qual,
        },
        Level2 {
            name: "时效指标",
            indicators: time,
        },
    ];
    let mut benefit = Vec::new();
    if n_eco > 0 {
        benefit.push(Level2 {
            name: "经济效益指标",
            indicators: pick_indicators(ECONOMIC, n_eco, t, rng),
        });
    }
    if mistake == Some(Mistake::Misplaced) {
        output.push(social_l2);
    } else {
        benefit.push(social_l2);
    }
    benefit.push(Level2 {
        name: "可持续影响指标",
        indicators: pick_indicators(SUSTAIN, n_sus, t, rng),
    });
    let level1 = vec![
        Level1 {
            name: "成本指标",
            level2: vec![Level2 {
                name: "经济成本指标",
                indicators: cost,
            }],
        },
        Level1 {
            name: "产出指标",
            level2: output,
        },
        Level1 {
            name: "效益指标",
            level2: benefit,
        },
        Level1 {
            name: "满意度指标",
            level2: vec![Level2 {
                name: "服务对象满意度指标",
                indicators: sat,
            }],
        },
    ];

    let start_month = if rng.chance(4, 5) {
        1
    } else {
        rng.range(2, 6) as u32
    };
    let goal = goal_paragraphs(t, s, &implementer, &level1, rng);
    let comment = rng.chance(1, 20).then(|| {
        rng.pick(&[
            "资金来源：区级财力",
            "本项目为跨年度项目，本年度为第二年",
            "依据区财政局关于编报 2025 年度项目绩效目标的通知",
            "上年度绩效评价结果：良",
        ])
        .to_string()
    });
    let (nature, category) = (*rng.pick(NATURES), *rng.pick(CATEGORIES));
    ProjectData {
        name,
        nature,
        category,
        authority,
        implementer,
        start: (YEAR, start_month, 1),
        end: (YEAR, 12, 31),
        funding,
        goal,
        comment,
        level1,
    }
}

fn form(n: usize, seed: u64) -> Form {
    let mut rng = Rng::new(seed);
    // Distinct names: theme × (no town, or a town) × suffix, in a seeded order.
    let per_theme = (TOWNS.len() + 1) * NAME_SUFFIXES.len();
    let combos = THEMES.len() * per_theme;
    let mut order: Vec<usize> = (0..combos).collect();
    rng.shuffle(&mut order);
    let projects = (0..n)
        .map(|i| {
            let c = order[i % combos];
            let (ti, rest) = (c / per_theme, c % per_theme);
            let (town, suffix) = (rest / NAME_SUFFIXES.len(), rest % NAME_SUFFIXES.len());
            let t = &THEMES[ti];
            let mut name = String::new();
            if town > 0 {
                name.push_str(TOWNS[town - 1]);
            }
            name.push_str(t.name);
            name.push_str(NAME_SUFFIXES[suffix]);
            if i >= combos {
                let _ = write!(name, "（第{}批）", i / combos + 1);
            }
            project(&mut rng, name, t)
        })
        .collect();
    Form { seed, projects }
}

pub fn money(fen: u64) -> String {
    let yuan = (fen / 100).to_string();
    let mut out = String::with_capacity(yuan.len() + yuan.len() / 3 + 3);
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    let _ = write!(out, ".{:02}", fen % 100);
    out
}

fn hundredths(h: u64) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

fn date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn jixiao_value(v: &Value) -> String {
    match v {
        Value::Quant {
            op,
            hundredths: h,
            unit,
        } => format!("{op}{}({unit})", hundredths(*h)),
        Value::Text(t) => t.clone(),
    }
}

fn render_jixiao(f: &Form) -> String {
    let mut o = String::with_capacity(f.projects.len() * 2600 + 200);
    let unit = format!("上海市{DISTRICT}财政局");
    let _ = writeln!(
        o,
        "# {unit} {YEAR} 年度项目绩效目标汇总表（jixiao gen 生成，{} 个项目，种子 {}）",
        f.projects.len(),
        f.seed
    );
    let _ = writeln!(o, "表: 绩效目标申报表\n年度: {YEAR}\n单位: {unit}");
    for p in &f.projects {
        let _ = writeln!(o, "\n项目: {}", p.name);
        let _ = writeln!(o, "  项目性质: {}", p.nature);
        let _ = writeln!(o, "  项目类别: {}", p.category);
        let _ = writeln!(o, "  主管部门: {}", p.authority);
        let _ = writeln!(o, "  实施单位: {}", p.implementer);
        let _ = writeln!(o, "  计划开始日期: {}", date(p.start));
        let _ = writeln!(o, "  计划完成日期: {}", date(p.end));
        if let Some(c) = &p.comment {
            let _ = writeln!(o, "  # {c}");
        }
        let fu = &p.funding;
        let _ = writeln!(o, "  资金:");
        let _ = writeln!(o, "    年度资金申请总额: {}", money(fu.total));
        let _ = writeln!(o, "    当年财政拨款: {}", money(fu.current_year));
        let _ = writeln!(o, "    上年结转资金: {}", money(fu.carryover));
        let _ = writeln!(o, "    其他资金: {}", money(fu.other));
        let _ = writeln!(o, "  年度总体目标:");
        for g in &p.goal {
            let _ = writeln!(o, "    > {g}");
        }
        for l1 in &p.level1 {
            let _ = writeln!(o, "  {}:", l1.name);
            for l2 in &l1.level2 {
                let _ = writeln!(o, "    {}:", l2.name);
                for i in &l2.indicators {
                    let _ = writeln!(o, "      {}: {}", i.name, jixiao_value(&i.value));
                }
            }
        }
    }
    o
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn render_toml(f: &Form) -> String {
    let mut o = String::with_capacity(f.projects.len() * 5000 + 200);
    let unit = format!("上海市{DISTRICT}财政局");
    let _ = writeln!(
        o,
        "# {unit} {YEAR} 年度项目绩效目标汇总表（jixiao gen --toml 生成，{} 个项目，种子 {}）",
        f.projects.len(),
        f.seed
    );
    let _ = writeln!(
        o,
        "form = \"绩效目标申报表\"\nyear = {YEAR}\nunit = {}",
        toml_str(&unit)
    );
    for p in &f.projects {
        let _ = writeln!(o, "\n[[project]]\nname = {}", toml_str(&p.name));
        let _ = writeln!(o, "nature = {}", toml_str(p.nature));
        let _ = writeln!(o, "category = {}", toml_str(p.category));
        let _ = writeln!(o, "authority = {}", toml_str(&p.authority));
        let _ = writeln!(o, "implementer = {}", toml_str(&p.implementer));
        let _ = writeln!(o, "start = {}", date(p.start));
        let _ = writeln!(o, "end = {}", date(p.end));
        if let Some(c) = &p.comment {
            let _ = writeln!(o, "# {c}");
        }
        let _ = writeln!(o, "goal = \"\"\"");
        for g in &p.goal {
            let _ = writeln!(o, "{g}");
        }
        let _ = writeln!(o, "\"\"\"");
        let fu = &p.funding;
        let _ = writeln!(o, "\n[project.funding]");
        let _ = writeln!(o, "total = {}", hundredths(fu.total));
        let _ = writeln!(o, "current_year = {}", hundredths(fu.current_year));
        let _ = writeln!(o, "carryover = {}", hundredths(fu.carryover));
        let _ = writeln!(o, "other = {}", hundredths(fu.other));
        for l1 in &p.level1 {
            for l2 in &l1.level2 {
                for i in &l2.indicators {
                    let _ = writeln!(o, "\n[[project.indicator]]");
                    let _ = writeln!(o, "level1 = {}", toml_str(l1.name));
                    let _ = writeln!(o, "level2 = {}", toml_str(l2.name));
                    let _ = writeln!(o, "name = {}", toml_str(&i.name));
                    match &i.value {
                        Value::Quant {
                            op,
                            hundredths: h,
                            unit,
                        } => {
                            let _ = writeln!(o, "op = {}", toml_str(op));
                            let _ = writeln!(o, "value = {}", hundredths(*h));
                            let _ = writeln!(o, "unit = {}", toml_str(unit));
                        }
                        Value::Text(t) => {
                            let _ = writeln!(o, "value = {}", toml_str(t));
                        }
                    }
                }
            }
        }
    }
    o
}

/// A canonical `.jixiao` 绩效目标申报表 of `projects` projects.
pub fn generate(projects: usize, seed: u64) -> String {
    render_jixiao(&form(projects, seed))
}

/// The same projects as [`generate`], as TOML.
pub fn generate_toml(projects: usize, seed: u64) -> String {
    render_toml(&form(projects, seed))
}
