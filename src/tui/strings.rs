//! Every user-facing string of the wizard, one table per language. Formatted strings are
//! small functions next to the table. Chrome text avoids ambiguous-width characters
//! (no box drawing, arrows, bullets or dashes): many Chinese-configured terminals draw them
//! two cells wide.

use crate::text::Lang;

pub struct Strings {
    pub app: &'static str,
    /// "：" in Chinese, ": " in English.
    pub colon: &'static str,
    pub too_small: &'static str,
    // home
    pub home_title: &'static str,
    pub home_new: &'static str,
    pub home_resume: &'static str,
    pub home_cases: &'static str,
    pub home_search: &'static str,
    pub home_quit: &'static str,
    pub home_hint: &'static str,
    // question
    pub default_marker: &'static str,
    pub answered_marker: &'static str,
    pub not_given_marker: &'static str,
    pub not_given: &'static str,
    pub date_hint: &'static str,
    pub text_hint: &'static str,
    pub id_hint: &'static str,
    pub pattern_hint: &'static str,
    pub optional_hint: &'static str,
    pub multi_hint: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub applicant: &'static str,
    pub no_question: &'static str,
    // status
    pub eval: &'static str,
    pub level: &'static str,
    pub missing: &'static str,
    pub blocking: &'static str,
    pub live: &'static str,
    // blocker offer
    pub offer_title: &'static str,
    pub offer_keys: &'static str,
    // help
    pub help_title: &'static str,
    pub help_basis: &'static str,
    pub help_no_article: &'static str,
    pub help_keys_title: &'static str,
    pub help_keys: &'static [&'static str],
    // review
    pub review_title: &'static str,
    pub review_unanswered: &'static str,
    pub review_default: &'static str,
    pub review_derived: &'static str,
    pub review_invalid: &'static str,
    pub review_set_aside: &'static str,
    pub review_set_aside_note: &'static str,
    pub review_cannot_edit: &'static str,
    // outcome
    pub outcome_title: &'static str,
    pub outcome_status: &'static str,
    pub outcome_findings: &'static str,
    pub outcome_missing: &'static str,
    pub outcome_materials: &'static str,
    pub outcome_steps: &'static str,
    pub outcome_set_aside: &'static str,
    pub outcome_incomplete: &'static str,
    // sign-off
    pub signoff_title: &'static str,
    pub signoff_name: &'static str,
    pub signoff_id: &'static str,
    pub signoff_pledge: &'static str,
    pub signoff_pledge_confirm: &'static str,
    pub signoff_clerk_confirm: &'static str,
    pub signoff_submit: &'static str,
    pub signoff_need_name: &'static str,
    pub signoff_need_pledge: &'static str,
    pub signoff_need_clerk: &'static str,
    pub signoff_no_pledge: &'static str,
    pub signoff_earlier: &'static str,
    pub signoff_earlier_confirm: &'static str,
    /// The bureau's server could not be asked (and no earlier case was found here).
    pub signoff_bureau_unknown: &'static str,
    pub signoff_bureau_confirm: &'static str,
    pub signed_title: &'static str,
    pub signed_number: &'static str,
    pub signed_offer: &'static str,
    // drafts and cases
    pub drafts_title: &'static str,
    pub drafts_none: &'static str,
    pub drafts_discard_again: &'static str,
    pub cases_title: &'static str,
    pub cases_none: &'static str,
    pub case_title: &'static str,
    pub loading: &'static str,
    // search
    pub search_title: &'static str,
    pub search_label: &'static str,
    pub search_hint: &'static str,
    pub search_none: &'static str,
    pub search_draft: &'static str,
    // print menu
    pub print_title: &'static str,
    pub print_zmodem: &'static str,
    pub print_html: &'static str,
    // first run
    pub first_title: &'static str,
    pub first_intro: &'static str,
    pub first_name: &'static str,
    pub first_code: &'static str,
    pub first_code_hint: &'static str,
    pub first_office: &'static str,
    pub first_office_hint: &'static str,
    pub first_save: &'static str,
    pub first_need_name: &'static str,
    pub first_need_code: &'static str,
    pub first_need_office: &'static str,
    pub first_later: &'static str,
    // notices
    pub saved_to: &'static str,
    pub error: &'static str,
    /// Answers the draft's questionnaire does not know or accept: kept aside.
    pub draft_aside: &'static str,
    pub draft_renamed: &'static str,
    pub draft_changed: &'static str,
    // footers
    pub foot_home: &'static str,
    pub foot_question_choice: &'static str,
    pub foot_question_bool: &'static str,
    pub foot_question_text: &'static str,
    pub foot_question_multi: &'static str,
    pub foot_help: &'static str,
    pub foot_review: &'static str,
    pub foot_outcome: &'static str,
    pub foot_signoff: &'static str,
    pub foot_signed: &'static str,
    pub foot_drafts: &'static str,
    pub foot_cases: &'static str,
    pub foot_case: &'static str,
    pub foot_search: &'static str,
    pub foot_print: &'static str,
    pub foot_first: &'static str,
    // questionnaires: the choice at home, answers set aside
    pub home_choose: &'static str,
    pub choose_title: &'static str,
    pub choose_default: &'static str,
    pub foot_choose: &'static str,
    pub review_aside: &'static str,
}

pub const ZH: Strings = Strings {
    app: "贯通",
    colon: "：",
    too_small: "窗口太小 / window too small",
    home_title: "面谈助手",
    home_new: "新建面谈",
    home_resume: "继续草稿",
    home_cases: "近期案件",
    home_search: "查找申请人（姓名、身份证号、编号、日期）",
    home_quit: "退出",
    home_hint: "上下键或左侧数字选中，Enter 确认；/ 查找",
    default_marker: "（默认值，可修改）",
    answered_marker: "（已答，Enter 保留）",
    not_given_marker: "（已记为不清楚/未提供，Enter 保留）",
    not_given: "不清楚/未提供",
    date_hint: "日期格式：2026-06-15、20260615 或 2026年6月15日",
    text_hint: "可用输入法输入中文",
    id_hint: "18 位，末位可为 X；空格不计，全角数字亦可",
    pattern_hint: "按规定格式填写；空格不计，全角字符亦可",
    optional_hint: "（选填，留空按 Enter 记为未提供）",
    multi_hint: "空格勾选，可多选，可不选",
    yes: "是",
    no: "否",
    applicant: "申请人",
    no_question: "没有需要回答的问题",
    eval: "评估",
    level: "等级",
    missing: "尚缺",
    blocking: "依据",
    live: "实时评估",
    offer_title: "出现不符合条件",
    offer_keys: "^O 查看结论；也可继续作答",
    help_title: "帮助",
    help_basis: "依据",
    help_no_article: "（问卷中没有该条文的原文）",
    help_keys_title: "按键",
    help_keys: &[
        "Enter  确认并进入下一题",
        "Esc / 左键 / PgUp  上一题（答案保留）",
        "PgDn  下一题（只移动，不作答）",
        "上下键 / 数字  选中（Enter 确认）；y/n 是否；0 不清楚/未提供（选填题）",
        "空格  多选题勾选选中的一项",
        "文字框：直接键入替换预填值；Ctrl-A/E 到开头/结尾，Ctrl-U/K/W 删到开头/结尾/前一词",
        "Tab  审阅全部回答",
        "Ctrl-O  查看结论",
        "? / F1  帮助；Ctrl-C  保存并退出",
    ],
    review_title: "审阅回答",
    review_unanswered: "（未答）",
    review_default: "（默认）",
    review_derived: "（自动）",
    review_invalid: "（需更正）",
    review_set_aside: "未采用的回答（分支已不经过）",
    review_set_aside_note: "以下回答已保留，但当前分支不再经过，规则不采用：",
    review_cannot_edit: "该题当前分支不经过，无法修改；先修改决定分支的回答",
    outcome_title: "结论",
    outcome_status: "结论",
    outcome_findings: "审查意见",
    outcome_missing: "尚缺信息",
    outcome_materials: "需携带材料",
    outcome_steps: "后续步骤",
    outcome_set_aside: "未采用的回答",
    outcome_incomplete: "信息不全，暂不能签字；请先回答尚缺的问题",
    signoff_title: "签字确认",
    signoff_name: "申请人姓名",
    signoff_id: "身份证号",
    signoff_pledge: "诚信承诺（请向申请人宣读）",
    signoff_pledge_confirm: "申请人已听取并确认承诺",
    signoff_clerk_confirm: "经办人确认以上信息属实",
    signoff_submit: "签字归档",
    signoff_need_name: "请填写申请人姓名",
    signoff_need_pledge: "请先由申请人确认诚信承诺",
    signoff_need_clerk: "请经办人确认",
    signoff_no_pledge: "（问卷未提供承诺书文本）",
    signoff_earlier: "同一申报年度已有此申请人的案件：",
    signoff_earlier_confirm: "确认不是重复申报后，在「签字归档」上再按 Enter",
    signoff_bureau_unknown: "其他办公室的案件无从核对：",
    signoff_bureau_confirm: "知悉后，在「签字归档」上再按 Enter 签字",
    signed_title: "已归档",
    signed_number: "案件编号",
    signed_offer: "按 p 打印回执（发送到本机、打印机或写出文件），Enter 返回首页",
    drafts_title: "草稿",
    drafts_none: "没有草稿",
    drafts_discard_again: "再按一次 x 确认删除该草稿",
    cases_title: "近期案件",
    cases_none: "还没有案件",
    case_title: "案件",
    loading: "正在读取",
    search_title: "查找申请人",
    search_label: "查找",
    search_hint: "姓名、身份证号（任意几位）、案件编号（如 1、bs-2026-1）或日期（如 2026-06-15）；边输入边查找",
    search_none: "没有找到",
    search_draft: "草稿",
    print_title: "打印回执",
    print_zmodem: "发送到本机（ZMODEM：Xshell、SecureCRT 等自动接收）",
    print_html: "写出 HTML 文件（在浏览器中打印）",
    first_title: "首次使用：经办人信息",
    first_intro: "以下信息写入配置文件，记录在签字归档的案件上；办公室名称印在回执抬头。",
    first_name: "经办人姓名",
    first_code: "办公室代码",
    first_code_hint: "行政区划代码，如 451002；同县第二个案件库加后缀，如 451002-2",
    first_office: "办公室名称",
    first_office_hint: "如 百色市人力资源和社会保障局",
    first_save: "保存",
    first_need_name: "请填写经办人姓名",
    first_need_code: "请填写办公室代码",
    first_need_office: "请填写办公室名称",
    first_later: "未保存：案件上暂记系统用户名；签字归档须先有办公室代码",
    saved_to: "已写出",
    error: "错误",
    draft_aside: "草稿中有回答不属于此问卷，已原样保留（不采用，见审阅）",
    draft_renamed: "草稿按新版问卷换算了回答，请核对",
    draft_changed: "问卷在草稿保存后已更新，请在审阅中核对回答",
    foot_home: "数字 选中  Enter 确认  q 退出",
    foot_question_choice: "数字 选中  Enter 确认  Esc 返回  ? 帮助  Tab 审阅  ^O 结论  ^C 退出",
    foot_question_bool: "y 是  n 否  Enter 确认  Esc 返回  ? 帮助  Tab 审阅  ^O 结论  ^C 退出",
    foot_question_text: "Enter 确认  Esc 返回  F1 帮助  Tab 审阅  ^O 结论  ^C 退出",
    foot_question_multi: "数字 选中  空格 勾选  Enter 确认  Esc 返回  Tab 审阅",
    foot_help: "上下键 滚动  Esc 关闭",
    foot_review: "Enter 修改  o 结论  Esc 返回",
    foot_outcome: "上下键 滚动  s 签字  r 审阅  Esc 返回",
    foot_signoff: "Tab 下一项  空格 勾选  到「签字归档」按 Enter  Esc 返回",
    foot_signed: "p 打印回执  Enter 返回首页",
    foot_drafts: "数字 选中  Enter 继续  x 删除  Esc 返回",
    foot_cases: "数字 选中  Enter 查看  p 打印回执  Esc 返回",
    foot_case: "上下键 滚动  p 打印回执  c 更正  Esc 返回",
    foot_search: "输入即查找  上下键 选中  Enter 打开  Esc 返回",
    foot_print: "数字 选中  Enter 确认  Esc 取消",
    foot_first: "Tab 下一项  Enter 确认  Esc 以后再说",
    home_choose: "选择问卷新建面谈",
    choose_title: "选择问卷，新建面谈",
    choose_default: "（默认）",
    foot_choose: "数字 选中  Enter 开始面谈  Esc 返回",
    review_aside: "不属于本问卷的回答（已保留，不采用）",
};

pub const EN: Strings = Strings {
    app: "guantong",
    colon: ": ",
    too_small: "窗口太小 / window too small",
    home_title: "Interview assistant",
    home_new: "New interview",
    home_resume: "Resume a draft",
    home_cases: "Recent cases",
    home_search: "Find an applicant (name, ID, number, date)",
    home_quit: "Quit",
    home_hint: "Arrows or the digit select, Enter confirms; / finds",
    default_marker: "(default, may be changed)",
    answered_marker: "(answered; Enter keeps it)",
    not_given_marker: "(recorded as not known; Enter keeps it)",
    not_given: "Not known / not given",
    date_hint: "Dates: 2026-06-15, 20260615 or 2026年6月15日",
    text_hint: "Chinese input methods work here",
    id_hint: "18 characters, the last may be X; spaces and full-width digits are read",
    pattern_hint: "In the set form; spaces and full-width characters are fine",
    optional_hint: "(optional: Enter on empty = not given)",
    multi_hint: "Space ticks; any number, or none",
    yes: "yes",
    no: "no",
    applicant: "Applicant",
    no_question: "No question to answer",
    eval: "Status",
    level: "Level",
    missing: "missing",
    blocking: "per",
    live: "Live evaluation",
    offer_title: "Not eligible",
    offer_keys: "^O see the outcome, or keep answering",
    help_title: "Help",
    help_basis: "Basis",
    help_no_article: "(the questionnaire has no text for this article)",
    help_keys_title: "Keys",
    help_keys: &[
        "Enter  confirm and go on",
        "Esc / Left / PgUp  previous question (answers kept)",
        "PgDn  next question (moves only; answers nothing)",
        "Up/Down / digits  select (Enter confirms); y/n yes/no; 0 not known (optional)",
        "Space  tick the selected item in a multi-choice question",
        "Text fields: typing replaces a pre-filled value; Ctrl-A/E start/end, Ctrl-U/K/W delete to start/end/a word",
        "Tab  review every answer",
        "Ctrl-O  see the outcome",
        "? / F1  help; Ctrl-C  save and quit",
    ],
    review_title: "Review answers",
    review_unanswered: "(not answered)",
    review_default: "(default)",
    review_derived: "(derived)",
    review_invalid: "(to correct)",
    review_set_aside: "Answers set aside (branch no longer reached)",
    review_set_aside_note: "Kept, but the branching no longer reaches them; the rules ignore them:",
    review_cannot_edit: "The branching does not reach this question; change the answer that decides it first",
    outcome_title: "Outcome",
    outcome_status: "Outcome",
    outcome_findings: "Findings",
    outcome_missing: "Still missing",
    outcome_materials: "Materials to bring",
    outcome_steps: "Next steps",
    outcome_set_aside: "Answers set aside",
    outcome_incomplete: "Incomplete: answer the missing questions before signing off",
    signoff_title: "Sign-off",
    signoff_name: "Applicant's name",
    signoff_id: "ID number",
    signoff_pledge: "Integrity pledge (read it out to the applicant)",
    signoff_pledge_confirm: "The applicant heard and confirms the pledge",
    signoff_clerk_confirm: "The clerk confirms the record",
    signoff_submit: "Sign off",
    signoff_need_name: "Enter the applicant's name",
    signoff_need_pledge: "The applicant must confirm the pledge first",
    signoff_need_clerk: "The clerk must confirm",
    signoff_no_pledge: "(the questionnaire gives no pledge text)",
    signoff_earlier: "Cases of this applicant in the same application year:",
    signoff_earlier_confirm: "If not a repeat application, Enter on [Sign off] again",
    signoff_bureau_unknown: "Other offices' cases could not be checked:",
    signoff_bureau_confirm: "Noted? Enter on [Sign off] again to sign",
    signed_title: "Signed off",
    signed_number: "Case number",
    signed_offer: "p prints the receipt (to this PC, a printer or a file), Enter returns home",
    drafts_title: "Drafts",
    drafts_none: "No drafts",
    drafts_discard_again: "Press x again to discard this draft",
    cases_title: "Recent cases",
    cases_none: "No cases yet",
    case_title: "Case",
    loading: "Loading",
    search_title: "Find an applicant",
    search_label: "Find",
    search_hint: "Name, any part of the ID number, case number (1, bs-2026-1) or date (2026-06-15); found as you type",
    search_none: "Nothing found",
    search_draft: "draft",
    print_title: "Print the receipt",
    print_zmodem: "Send to this PC (ZMODEM: Xshell, SecureCRT, ...)",
    print_html: "Write an HTML file (print it from a browser)",
    first_title: "First run: the clerk",
    first_intro: "Written to the config file and recorded on the cases you sign; the office's name heads the receipt.",
    first_name: "Clerk's name",
    first_code: "Office code",
    first_code_hint: "The division code, e.g. 451002; a second store in the county adds -2",
    first_office: "Office name",
    first_office_hint: "e.g. Baise Human Resources and Social Security Bureau",
    first_save: "Save",
    first_need_name: "Enter the clerk's name",
    first_need_code: "Enter the office code",
    first_need_office: "Enter the office's name",
    first_later: "Not saved: cases show the OS user for now; signing needs an office code",
    saved_to: "Written",
    error: "Error",
    draft_aside: "Some answers in the draft are not this questionnaire's: kept as they were (not used; see the review)",
    draft_renamed: "Answers were carried over to the new questionnaire version; check them",
    draft_changed: "The questionnaire changed since the draft was saved; check the answers in review",
    foot_home: "digit select  Enter confirm  q quit",
    foot_question_choice: "digit select  Enter ok  Esc back  ? help  Tab review  ^O outcome  ^C quit",
    foot_question_bool: "y yes  n no  Enter ok  Esc back  ? help  Tab review  ^O outcome  ^C quit",
    foot_question_text: "Enter ok  Esc back  F1 help  Tab review  ^O outcome  ^C quit",
    foot_question_multi: "digit select  Space tick  Enter ok  Esc back  Tab review",
    foot_help: "Up/Down scroll  Esc close",
    foot_review: "Enter change  o outcome  Esc back",
    foot_outcome: "Up/Down scroll  s sign off  r review  Esc back",
    foot_signoff: "Tab next  Space tick  Enter on [Sign off] signs  Esc back",
    foot_signed: "p receipt  Enter home",
    foot_drafts: "digit select  Enter resume  x discard  Esc back",
    foot_cases: "digit select  Enter view  p receipt  Esc back",
    foot_case: "Up/Down scroll  p receipt  c correct  Esc back",
    foot_search: "type to find  Up/Down select  Enter open  Esc back",
    foot_print: "digit select  Enter confirm  Esc cancel",
    foot_first: "Tab next  Enter confirm  Esc later",
    home_choose: "New interview: choose questionnaire",
    choose_title: "Choose a questionnaire for a new interview",
    choose_default: " (default)",
    foot_choose: "digit select  Enter start  Esc back",
    review_aside: "Answers not in this questionnaire (kept, not used)",
};

pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// Under the too-small notice: the size needed and the size now. (`×` is the one
/// ambiguous-width character in the chrome: it ends its line, so a terminal drawing it two
/// cells wide shifts nothing after it.)
pub fn too_small_need(lang: Lang, min_w: u16, min_h: u16, w: u16, h: u16) -> String {
    match lang {
        Lang::Zh => format!("至少 {min_w}×{min_h}（当前 {w}×{h}）"),
        Lang::En => format!("needs {min_w}×{min_h} (now {w}×{h})"),
    }
}

pub fn progress(lang: Lang, pos: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {pos}/{total} 题"),
        Lang::En => format!("Q {pos}/{total}"),
    }
}

pub fn missing_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("尚缺 {n} 项"),
        Lang::En => format!("{n} missing"),
    }
}

pub fn range(lang: Lang, min: Option<i64>, max: Option<i64>) -> String {
    match (lang, min, max) {
        (Lang::Zh, Some(a), Some(b)) => format!("整数，{a} 至 {b}"),
        (Lang::Zh, Some(a), None) => format!("整数，不小于 {a}"),
        (Lang::Zh, None, Some(b)) => format!("整数，不大于 {b}"),
        (Lang::Zh, None, None) => "整数".to_string(),
        (Lang::En, Some(a), Some(b)) => format!("whole number, {a} to {b}"),
        (Lang::En, Some(a), None) => format!("whole number, at least {a}"),
        (Lang::En, None, Some(b)) => format!("whole number, at most {b}"),
        (Lang::En, None, None) => "whole number".to_string(),
    }
}

pub fn draft_row_progress(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("已答 {n} 项"),
        Lang::En => format!("{n} answered"),
    }
}

/// Enter on a choice question with nothing selected: which keys answer it.
pub fn choose_first(lang: Lang, yes_no: bool, optional: bool) -> String {
    let keys = match (lang, yes_no) {
        (Lang::Zh, true) => "请按 y（是）或 n（否）作答",
        (Lang::Zh, false) => "请按选项前的数字（或上下键）选择，再按 Enter",
        (Lang::En, true) => "Press y (yes) or n (no) to answer",
        (Lang::En, false) => "Choose with the digit beside an item (or the arrows), then Enter",
    };
    match (lang, optional) {
        (_, false) => keys.to_string(),
        (Lang::Zh, true) => format!("{keys}；0 记为不清楚/未提供"),
        (Lang::En, true) => format!("{keys}; 0 records \"not known\""),
    }
}

/// An interview date more than a month from today: confirm it (`days` after today, or
/// before when negative).
pub fn far_interview_date(lang: Lang, d: jiff::civil::Date, days: i32) -> String {
    let n = days.abs();
    match (lang, days < 0) {
        (Lang::Zh, true) => format!("面谈日期 {d} 是 {n} 天前，会影响结论；无误请再按 Enter"),
        (Lang::Zh, false) => format!("面谈日期 {d} 是 {n} 天后，会影响结论；无误请再按 Enter"),
        (Lang::En, true) => format!(
            "The interview date {d} is {n} days ago and changes the outcome; Enter again if right"
        ),
        (Lang::En, false) => format!(
            "The interview date {d} is {n} days ahead and changes the outcome; Enter again if right"
        ),
    }
}

/// A draft open in another live wizard, as its row in the drafts list says.
pub fn in_use(lang: Lang, by: &crate::tui::msg::InUse) -> String {
    match lang {
        Lang::Zh => format!("[使用中：{}，自 {}]", by.who, by.since),
        Lang::En => format!("[in use: {}, since {}]", by.who, by.since),
    }
}

/// Enter on a draft in use elsewhere: the key for a take-over and what it means (who and
/// since when are on the draft's row).
pub fn take_over(lang: Lang, by: &crate::tui::msg::InUse) -> String {
    match lang {
        Lang::Zh => format!(
            "按 t 接管 {} 的草稿，对方即不能保存或签字；其他键取消",
            by.who
        ),
        Lang::En => format!(
            "t takes it over from {} (they can no longer save or sign); any other key cancels",
            by.who
        ),
    }
}

/// An earlier case of the same applicant: number, verdict and level, clerk, date.
pub fn earlier_row(lang: Lang, r: &crate::tui::msg::EarlierRow) -> String {
    if let Some(n) = &r.note {
        return n.clone();
    }
    let level = if r.level.is_empty() {
        String::new()
    } else {
        format!(" {}", r.level)
    };
    match lang {
        Lang::Zh => format!(
            "{}  {}{level}  经办人 {}  面谈 {}",
            r.number, r.status, r.clerk, r.date
        ),
        Lang::En => format!(
            "{}  {}{level}  clerk {}  interviewed {}",
            r.number, r.status, r.clerk, r.date
        ),
    }
}

/// An answer that must be corrected before sign-off, naming its question.
pub fn fix_first(lang: Lang, prompt: &str, why: &str) -> String {
    match lang {
        Lang::Zh => format!("请先更正「{prompt}」：{why}"),
        Lang::En => format!("Correct \"{prompt}\" first: {why}"),
    }
}

/// A draft resumed under another questionnaire than the one in use: its own id, the
/// newest version (the notice's start must say it: a long one is cut at the end).
pub fn draft_under(lang: Lang, title: &str, id: &str, version: &str) -> String {
    match lang {
        Lang::Zh => format!("此草稿按其问卷继续：{title}（{id} {version}）"),
        Lang::En => format!("This draft goes on under its questionnaire: {title} ({id} {version})"),
    }
}

/// The questionnaire a draft or case belongs to, after its row.
pub fn row_questionnaire(lang: Lang, title: &str) -> String {
    match lang {
        Lang::Zh => format!("  〔{title}〕"),
        Lang::En => format!("  [{title}]"),
    }
}

/// A draft whose questionnaire neither the catalogue nor the store has.
pub fn draft_no_questionnaire(lang: Lang, draft: &str, id: &str, version: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "草稿 {draft} 是按问卷 {id} {version} 记录的，问卷目录和案件库中都没有这份问卷；未打开，草稿原样保留"
        ),
        Lang::En => format!(
            "draft {draft} was made under questionnaire {id} {version}, which neither the catalogue nor the store has: not opened, the draft is kept as it is"
        ),
    }
}

/// A questionnaire chosen at home that is no longer at hand.
pub fn no_questionnaire(lang: Lang, id: &str) -> String {
    match lang {
        Lang::Zh => format!("问卷目录中没有问卷 {id}"),
        Lang::En => format!("the catalogue has no questionnaire {id}"),
    }
}

pub fn article_sep(lang: Lang) -> &'static str {
    lang.pick("、", ", ")
}

/// An article after a line: （第八条） in Chinese, ` (Art. 8)` in English.
pub fn cite_suffix(lang: Lang, cite: &str) -> String {
    match lang {
        Lang::Zh => format!("（{cite}）"),
        Lang::En => format!(" ({cite})"),
    }
}

/// A case's place among corrections: `更正 BS-…-000001` (it corrects that case),
/// `已更正为 BS-…-000002` (that case corrects it), both, or nothing.
pub fn correction(lang: Lang, amends: Option<&str>, amended_by: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(a) = amends {
        parts.push(format!("{} {a}", lang.pick("更正", "corrects")));
    }
    if let Some(b) = amended_by {
        parts.push(format!("{} {b}", lang.pick("已更正为", "corrected by")));
    }
    parts.join("  ")
}

/// A draft among search results: how far it got.
pub fn draft_found(lang: Lang, answered: usize) -> String {
    draft_row_progress(lang, answered)
}

/// The header during a correction.
pub fn correcting(lang: Lang, number: &str) -> String {
    match lang {
        Lang::Zh => format!("更正 {number}"),
        Lang::En => format!("correcting {number}"),
    }
}

pub fn already_corrected(lang: Lang, number: &str, newer: &str) -> String {
    match lang {
        Lang::Zh => format!("案件 {number} 已由 {newer} 更正；如需再改，请更正 {newer}"),
        Lang::En => {
            format!("case {number} was already corrected by {newer}: correct {newer} instead")
        }
    }
}

pub fn correct_elsewhere(lang: Lang, number: &str, questionnaire: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "案件 {number} 所用的问卷 {questionnaire} 不在问卷目录中，也没有副本，无法在此更正"
        ),
        Lang::En => format!(
            "case {number} was recorded under questionnaire {questionnaire}, which is neither configured nor kept in the store: it cannot be corrected here"
        ),
    }
}

pub fn office_differs(lang: Lang, given: &str, recorded: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "办公室代码 {given} 与案件库已用的 {recorded} 不同：这个案件库只能用 {recorded}"
        ),
        Lang::En => format!(
            "office code {given} differs from {recorded}, the one this store signs under: use {recorded}"
        ),
    }
}

pub fn no_config_dir(lang: Lang) -> &'static str {
    lang.pick(
        "找不到配置目录（请设置 HOME 或 GUANTONG_CONFIG_DIR），未保存",
        "no config directory (set HOME or GUANTONG_CONFIG_DIR): not saved",
    )
}

pub fn no_printer(lang: Lang) -> &'static str {
    lang.pick(
        "未设置打印机：请在配置文件中写 printer = \"打印机名\"（lpstat -p 列出可用的打印机）",
        "no printer set: add printer = \"NAME\" to the config file (lpstat -p lists them)",
    )
}

pub fn zmodem_needs_terminal(lang: Lang) -> &'static str {
    lang.pick(
        "ZMODEM 发送需要终端",
        "sending by ZMODEM needs the terminal",
    )
}

/// The print menu's printer item.
pub fn print_printer(lang: Lang, printer: Option<&str>) -> String {
    match (lang, printer) {
        (Lang::Zh, Some(p)) => format!("打印机 {p}（lp）"),
        (Lang::Zh, None) => "打印机（未设置：配置文件中写 printer = \"打印机名\"）".to_string(),
        (Lang::En, Some(p)) => format!("Printer {p} (lp)"),
        (Lang::En, None) => "Printer (none set: printer = \"NAME\" in the config file)".to_string(),
    }
}

/// On the terminal's own screen while the wizard's is put away for a ZMODEM send.
pub fn sending(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("guantong：正在通过 ZMODEM 发送 {name}（终端会弹出保存对话框；Ctrl-C 取消）……")
        }
        Lang::En => format!(
            "guantong: sending {name} by ZMODEM (your terminal asks where to save it; Ctrl-C cancels)..."
        ),
    }
}

pub fn sent(lang: Lang, name: &str, bytes: usize) -> String {
    let kb = bytes.div_ceil(1024);
    match lang {
        Lang::Zh => format!("已通过 ZMODEM 发送 {name}（{kb} KB），请在本机打印"),
        Lang::En => format!("sent {name} ({kb} KB) by ZMODEM: print it on this PC"),
    }
}

pub fn printed(lang: Lang, printer: &str, job: Option<&str>) -> String {
    match (lang, job) {
        (Lang::Zh, Some(j)) => format!("已送打印机 {printer}（任务 {j}）"),
        (Lang::Zh, None) => format!("已送打印机 {printer}"),
        (Lang::En, Some(j)) => format!("sent to printer {printer} (job {j})"),
        (Lang::En, None) => format!("sent to printer {printer}"),
    }
}

pub fn clerk_saved(lang: Lang, path: &str) -> String {
    match lang {
        Lang::Zh => format!("经办人信息已写入 {path}"),
        Lang::En => format!("the clerk's details were written to {path}"),
    }
}

pub fn receipt_cut(lang: Lang, cut: &[String]) -> String {
    let list = cut.join(article_sep(lang));
    match lang {
        Lang::Zh => format!("回执超过一页，已省略部分内容：{list}"),
        Lang::En => format!("the receipt ran over one page; cut short: {list}"),
    }
}

pub fn receipt_missing_glyphs(lang: Lang, chars: &str) -> String {
    match lang {
        Lang::Zh => format!("字体缺少这些字，回执上显示为方框：{chars}"),
        Lang::En => format!("the font lacks these characters (printed as boxes): {chars}"),
    }
}

/// A draft open in another wizard, asked for from the search or a case: who has it, and
/// where it can be taken over.
pub fn in_use_elsewhere(lang: Lang, by: &crate::tui::msg::InUse) -> String {
    match lang {
        Lang::Zh => format!(
            "该草稿正在 {} 处使用（自 {}）；如需接管，请在「继续草稿」中打开",
            by.who, by.since
        ),
        Lang::En => format!(
            "the draft is open at {}'s (since {}): take it over from Resume a draft",
            by.who, by.since
        ),
    }
}

/// Who signed (or is working on) a case, in a list.
pub fn clerk_of(lang: Lang, clerk: &str) -> String {
    if clerk.is_empty() {
        return String::new();
    }
    match lang {
        Lang::Zh => format!("经办人 {clerk}"),
        Lang::En => format!("clerk {clerk}"),
    }
}

/// A done notice, and what had to give (an error-styled notice then, so it is read).
pub fn with_note(lang: Lang, done: String, note: Option<&str>) -> crate::tui::screens::Notice {
    match note {
        Some(n) => {
            crate::tui::screens::Notice::error(format!("{done}{}{n}", lang.pick("；", "; ")))
        }
        None => crate::tui::screens::Notice::info(done),
    }
}

/// On the review a correction begins with (the header names the case corrected).
pub fn correct_hint(lang: Lang) -> &'static str {
    lang.pick(
        "更正：选中要改的回答按 Enter；改好后按 o 看结论并签字",
        "Correcting: Enter on the answer to change; then o for the outcome, and sign",
    )
}

/// Under a list cut short: how many more.
pub fn more(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("（还有 {n} 项）"),
        Lang::En => format!("({n} more)"),
    }
}

/// Why a ZMODEM send did not happen, short enough for the status line, in `lang`.
pub fn zmodem_failed(lang: Lang, e: &crate::print::zmodem::ZmodemError) -> String {
    use crate::print::zmodem::ZmodemError as E;
    match (e, lang) {
        (E::NoAnswer { waited }, Lang::Zh) => format!(
            "终端 {} 秒内未应答 ZMODEM（tmux、PuTTY 不支持），已取消",
            waited.as_secs()
        ),
        (E::NoAnswer { waited }, Lang::En) => format!(
            "no ZMODEM answer in {} s (tmux, PuTTY cannot): cancelled",
            waited.as_secs()
        ),
        (E::Stalled { .. }, _) => lang
            .pick(
                "终端接收中途停止应答，已取消发送",
                "the terminal stopped answering: sending cancelled",
            )
            .to_string(),
        (E::Cancelled, _) => lang
            .pick("终端取消了接收", "the terminal cancelled the transfer")
            .to_string(),
        (E::Skipped, _) => lang
            .pick(
                "终端跳过了这个文件（本机可能已有同名文件）",
                "the terminal skipped the file (it may have one of that name)",
            )
            .to_string(),
        (E::Interrupted, _) => lang
            .pick("已按 Ctrl-C 取消发送", "sending cancelled with Ctrl-C")
            .to_string(),
        (other, _) => other.to_string(),
    }
}
