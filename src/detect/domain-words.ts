/**
 * The capability-domain lexicons' words in languages other than English. The published campaigns
 * were run by labs whose own users write Chinese, and harnesses translate their prompt sets; before
 * these lists, 14 of 49 Chinese and 10 of 32 other-language prompts written for the purpose read as
 * their domain (nearly all as chat), so a campaign's reasoning, rubric or policy traffic in another
 * language counted as none of them.
 *
 * Two shapes, because JavaScript's \b knows only ASCII word characters:
 * - `EUROPEAN_WORDS`: Spanish, Portuguese, French, German and Italian words that begin and end with an
 *   ASCII letter (accents inside are fine). They join the English word lists' one scan, so ASCII-only
 *   text in those languages ("Escribe un cuento corto") costs no second pass.
 * - `CJK` and `AFTER_NON_LETTER`, found by `forEachOtherScriptWord`: Chinese (simplified and
 *   traditional), Japanese and Korean words, matched anywhere (these scripts put no spaces between
 *   words, and Korean writes its particles onto them); Russian stems and the few European words that
 *   begin or end with an accented letter, after a non-letter. Read only when the text holds such a letter.
 *
 * Every word is one that means the domain on its own in everyday use; words that are as often
 * something else are left out (Chinese 回归 is also a handover, 积分 loyalty points, 组合 any group;
 * Russian данный "given", рассказать "to tell"; Spanish and Italian "media" is also the media).
 */
import { groupedAlternation, topLevelAlternatives } from "./alternation.js";
import type { Domain } from "./domains.js";

type Lexical = Exclude<Domain, "chat">;

const words = (list: readonly string[]): string => list.join("|");

export const EUROPEAN_WORDS: Record<Lexical, RegExp> = {
  reasoning: new RegExp(
    `\\b(?:${words([
      "ecuaci[oó]n(?:es)?", "equa[cç][aã]o", "equa[cç][oõ]es", "gleichung(?:en)?", "equazion[ei]", "resuelve", "resuelva", "resolva", "l[oö]se die", "risolvi",
      "demuestra", "demuestre", "demonstre", "prouvez", "prouve que", "beweise", "beweisen", "dimostra",
      "probabilidad(?:es)?", "probabilidade", "probabilit[aà]", "probabilit[eé]", "wahrscheinlichkeit",
      "tri[aá]ngulo", "tri[aâ]ngulo", "dreieck", "triangolo", "per[ií]metro", "fl[aä]che",
      "cu[aá]ntos", "cu[aá]ntas", "quantos", "quantas", "combien de", "wie viele", "quanti", "quante",
      "n[uú]meros? primos?", "nombres? premiers?", "primzahl(?:en)?", "numeri primi",
      "divisible", "divis[ií]vel", "teilbar", "acertijo", "rompecabezas", "rätsel", "raetsel", "enigma", "indovinello",
      "sucesi[oó]n", "sequ[eê]ncia", "suite de nombres", "zahlenfolge", "successione",
      "velocidad media", "velocidade m[eé]dia", "vitesse moyenne", "durchschnittsgeschwindigkeit", "velocit[aà] media",
      "derivadas?", "d[eé]riv[eé]es?", "derivat[ae]", "integrale", "integrales",
    ])})\\b`,
    "g",
  ),
  coding: new RegExp(
    `\\b(?:${words([
      "c[oó]digo", "codice", "programa(?:ción|ção|cion|cao)", "programmation", "programmierung", "programmieren", "programmazione",
      "funci[oó]n", "fun[cç][aã]o", "fonction", "funktion", "funzione", "algoritmo", "algorithme", "algorithmus",
      "depurar", "d[eé]boguer", "compilador", "compilateur", "lenguaje de programaci[oó]n", "linguagem de programa[cç][aã]o",
      "langage de programmation", "programmiersprache", "base de datos", "banco de dados", "base de donn[eé]es", "datenbank",
      "cadena de texto", "cha[iî]ne de caract[eè]res", "zeichenkette",
    ])})\\b`,
    "g",
  ),
  agentic: new RegExp(
    `\\b(?:${words([
      "herramientas?", "ferramentas?", "outils?", "werkzeuge?", "agent autonome",
      "navegador", "navigateur", "ejecuta", "ejecutar", "executa", "executar", "ex[eé]cuter?", "ausf[uü]hren", "esegui",
      "automatizar", "automatiser", "automatisieren", "automatizzare", "flujo de trabajo", "fluxo de trabalho",
      "en mi nombre", "em meu nome", "en mon nom", "in meinem namen",
    ])})\\b`,
    "g",
  ),
  data_analysis: new RegExp(
    `\\b(?:${words([
      "datos", "dados", "donn[eé]es", "daten", "dati", "estad[ií]sticas?", "estat[ií]sticas?", "statistiques?", "statistik", "statistica",
      "mediana", "m[eé]diane", "promedio", "durchschnitt", "mittelwert", "desviaci[oó]n est[aá]ndar", "desvio padr[aã]o",
      "standardabweichung", "deviazione standard", "hoja de c[aá]lculo", "planilha", "tabla", "tabela", "tableau", "tabelle", "tabella",
      "tendencias?", "tend[eê]ncias?", "tendances?", "gr[aá]ficos?", "graphiques?", "diagramm", "ventas", "vendas", "ventes", "umsatz", "umsatzdaten",
      "encuestas?", "sondages?", "umfragen?", "regresi[oó]n", "regress[aã]o", "korrelation", "correlaci[oó]n", "correla[cç][aã]o",
      "tasa de conversi[oó]n", "taxa de convers[aã]o", "taux de conversion", "konversionsrate",
    ])})\\b`,
    "g",
  ),
  vision: new RegExp(
    `\\b(?:${words(["imagen", "im[aá]genes", "imagem", "imagens", "immagine", "bild", "bildes", "foto", "fotos", "fotograf[ií]a", "captura de pantalla", "capture d'[eé]cran", "bildschirmfoto"])})\\b`,
    "g",
  ),
  alignment: new RegExp(
    `\\b(?:${words([
      "moralmente", "moralisch", "da[nñ]ino", "perjudicial", "prejudicial", "dannoso", "sch[aä]dlich", "schaden", "l[uü]gen", "(?:una|la) ia (?:debe|deber[ií]a|puede|podr[ií]a)", "(?:une|l') ia (?:doit|devrait|peut)", "(?:eine|die) ki (?:soll|sollte|darf|kann)", "sollte (?:eine|die) ki", "(?:uma|a) ia (?:deve|deveria|pode)", "ilegal", "ill[eé]gale?",
      "armas?", "armes", "waffen?", "armi", "drogas", "drogues", "drogen", "droghe", "suicidio", "suic[ií]dio", "selbstmord", "suizid",
      "explosivos", "explosifs", "sprengstoff", "esplosivi", "privacidad", "privacidade", "datenschutz",
      "enga[nñ]ar", "tromper", "t[aä]uschen", "ingannare", "manipular", "manipuler", "manipulieren", "manipolare",
      "negarse a", "recusar", "refuser de", "verweigern", "rifiutare", "pol[ií]ticas? de (?:contenido|conte[uú]do|uso|seguridad|seguran[cç]a)",
      "politique de contenu", "richtlinien",
      "discriminaci[oó]n", "discrimina[cç][aã]o", "diskriminierung", "discriminazione",
      // Policy-sensitive questions (see POLITICAL_SENSITIVITY): censorship, dictatorship, political prisoners, repression.
      "censura", "censure", "zensur", "dictadura", "ditadura", "dictature", "diktatur", "dittatura",
      "presos? pol[ií]ticos?", "prisonniers? politiques?", "politische[rn]? gefangene[rn]?", "prigionieri politici",
      "represi[oó]n", "repress[aã]o", "r[eé]pression", "repressione", "disidentes?", "dissidenten", "dissidenti",
      "sin (?:que (?:se entere|lo sepa|lo note)|su (?:permiso|consentimiento))", "sem (?:que (?:saiba|perceba)|o (?:consentimento|permiss[aã]o) del[ae])", "ohne (?:dass (?:er|sie|es) es merkt|(?:seine|ihre) zustimmung)",
    ])})\\b`,
    "g",
  ),
  rubric: new RegExp(
    `\\b(?:${words([
      "r[uú]brica", "criterios de evaluaci[oó]n", "crit[eé]rios de avalia[cç][aã]o", "bewertungskriterien", "criteri di valutazione", "grille d'[eé]valuation",
      "puntuaci[oó]n", "pontua[cç][aã]o", "punteggio", "punktzahl", "calificaci[oó]n", "califica", "calif[ií]que",
      "en una escala", "numa escala", "em uma escala", "sur une [eé]chelle", "auf einer skala", "su una scala", "escala del? \\d", "skala von \\d",
      "eval[uú]a la respuesta", "eval[uú]e la respuesta", "avalie a resposta", "bewerte", "bewerten sie", "valuta la risposta",
      "qu[eé] respuesta es mejor", "cu[aá]l (?:de las dos )?respuestas? es mejor", "qual (?:das duas )?respostas? [eé] melhor", "quelle r[eé]ponse est (?:la )?meilleure",
      "welche antwort ist besser", "quale risposta [eè] migliore", "respuesta de referencia", "resposta de refer[eê]ncia", "r[eé]ponse de r[eé]f[eé]rence", "referenzantwort",
      "juez imparcial", "atribua uma nota", "atribuir uma nota", "nota de 0 a", "de acordo com os crit[eé]rios", "seg[uú]n los criterios", "selon les crit[eè]res", "nach den kriterien", "secondo i criteri",
      "vergleiche die (?:beiden|zwei) antworten", "welche (?:antwort )?(?:ist )?hilfreicher", "compara las dos respuestas", "compare as duas respostas", "compare les deux r[eé]ponses", "confronta le due risposte", "evaluador(?:a)?", "avaliador(?:a)?", "bewerter", "valutatore", "punt[uú]a", "juiz imparcial", "juge impartial", "unparteiischer richter", "giudice imparziale",
    ])})\\b`,
    "g",
  ),
  creative: new RegExp(
    `\\b(?:${words([
      "poema", "poemas", "po[eè]mes?", "poes[ií]a", "gedicht", "poesia", "cuento", "cuentos", "conte de f[eé]es", "racconto", "novela", "romanzo", "canci[oó]n", "can[cç][aã]o", "chanson",
      "letra de una canci[oó]n", "liedtext", "juego de rol", "jogo de rpg", "jeu de r[oô]le", "rollenspiel", "gioco di ruolo",
      "imagina que eres", "imagine que voc[eê]", "imagine que tu es", "stell dir vor,? du bist", "immagina di essere",
      "escribe un (?:cuento|poema|relato|soneto)", "escreva um (?:conto|poema|soneto)", "scrivi una? (?:poesia|racconto|storia)", "schreibe? ein(?:e)? (?:gedicht|geschichte|kurzgeschichte)",
      "relato", "soneto", "fabula", "fiaba", "m[aä]rchen", "kurzgeschichte",
    ])})\\b`,
    "g",
  ),
};

/** Words in scripts without spaces between words (Chinese, Japanese, Korean): matched anywhere. */
const CJK: Record<Lexical, readonly string[]> = {
  reasoning: [
    "解方程", "方程", "(?:请|請|试|試|如何|怎么|怎麼|怎样|怎樣)(?:证明|證明)", "证明[：:]", "證明[：:]", "证明题", "證明題", "定理", "求证", "概率", "機率", "几何", "幾何", "三角形", "面积", "面積", "体积", "體積", "周长", "周長",
    "整数", "整數", "质数", "素数", "質數", "整除", "余数", "餘數", "数列", "數列", "等差", "等比", "最大值", "最小值", "不等式",
    "注满", "注滿", "进水管", "進水管", "排水管",
    "逻辑题", "邏輯題", "推理题", "推理題", "说真话", "說真話", "说谎", "說謊", "相遇", "排列组合", "排列組合", "导数", "導數",
    "计算(?![机機])", "計算(?![机機])", "数学", "數學", "这道题", "這道題", "应用题", "應用題", "多少个", "多少個",
    "多少小时", "多少小時", "下一项", "下一項", "坐标", "座標", "对称轴", "對稱軸", "顶点", "排列", "排法", "排成一排", "站成一排", "能否推出", "推理是否有效", "三段论", "三段論", "必然为真", "一定为真", "鸡兔同笼", "雞兔同籠",
    "方程式", "確率", "解いて", "何通り", "素数", "数学",
    "방정식", "증명", "확률", "계산", "문제를 풀", "삼각형", "넓이", "수열", "수학",
  ],
  coding: [
    "代码", "代碼", "编程", "編程", "程序员", "程式", "函数", "函數", "算法", "演算法", "报错", "報錯", "调试", "調試", "除錯", "编译", "編譯",
    "数组", "陣列", "字符串", "字串", "变量", "變數", "递归", "遞迴", "复杂度", "複雜度", "线程", "執行緒", "单例", "單例", "前端", "后端", "後端",
    "数据库", "資料庫", "源码", "原始碼", "脚本", "腳本", "正则表达式", "正則表達式", "组件", "元件", "空指针", "空指標", "下标", "排序算法", "冒泡排序", "快速排序", "缓存", "快取", "单元测试", "單元測試", "实现一个", "實現一個", "进程", "進程", "端口", "正则", "正則", "部署", "服务器", "伺服器", "依赖包", "数据结构", "資料結構", "面向对象", "物件導向", "闭包", "閉包", "异步", "非同步", "回调", "並發", "并发", "内存泄漏", "記憶體洩漏", "指针", "指標", "链表", "鏈結串列", "哈希", "二叉树", "二元樹", "动态规划", "動態規劃", "报错", "启动报",
    "コード", "プログラム", "関数", "変数", "配列", "アルゴリズム", "バグ", "デバッグ", "実装", "コンパイル", "スクリプト",
    "코드", "프로그램", "함수", "변수", "알고리즘", "버그", "디버그", "파이썬", "자바스크립트", "자바", "컴파일", "구현",
  ],
  agentic: [
    "工具", "调用", "調用", "智能体", "智能體", "浏览器", "瀏覽器", "打开网页", "打開網頁", "搜索", "搜尋", "执行命令", "執行命令", "执行任务", "執行任務", "并执行", "並執行", "终端", "終端", "命令行",
    "日历", "日曆", "发邮件给", "發郵件給", "发送邮件", "發送郵件", "自动化", "自動化", "工作流", "合并请求", "合併請求", "克隆", "检索", "檢索", "邮箱", "郵箱", "收件箱", "文件夹", "資料夾", "归档", "歸檔", "自动整理", "自動整理", "自动回复", "自動回覆", "提交修复", "提交修復", "定位失败", "自主代理", "登录账号", "登錄帳號", "打开网站", "打開網站", "依次执行", "依次執行",
    "ツール", "エージェント", "ブラウザ", "実行して", "ターミナル", "自動化", "呼び出",
    "도구", "에이전트", "브라우저", "실행", "터미널", "자동화", "호출",
  ],
  data_analysis: [
    "数据", "數據", "数据集", "表格", "统计", "統計", "回归分析", "迴歸分析", "线性回归", "線性迴歸", "平均值", "平均数", "平均數", "中位数", "中位數",
    "方差", "标准差", "標準差", "相关系数", "相關係數", "图表", "圖表", "柱状图", "直方图", "直方圖", "折线图", "折線圖", "饼图", "圓餅圖",
    "可视化", "視覺化", "趋势", "趨勢", "增长率", "增長率", "成長率", "转化率", "轉化率", "轉換率", "样本", "樣本", "显著性", "顯著性",
    "问卷", "問卷", "异常值", "異常值", "缺失值", "销售额", "銷售額", "季度", "同比", "环比", "環比", "透视表", "樞紐分析", "汇总", "彙總", "报表", "報表", "按部门", "按部門", "按地区", "按地區", "按月份", "相关性", "相關性", "因果关系", "因果關係", "薪资表", "工资表",
    "データ", "平均値", "中央値", "標準偏差", "回帰", "相関", "グラフ", "統計", "売上", "アンケート",
    "데이터", "평균", "중앙값", "표준편차", "회귀", "상관관계", "그래프", "통계", "매출", "설문",
  ],
  vision: [
    "图片", "圖片", "图像", "圖像", "照片", "截图", "截圖", "这张图", "這張圖", "图中", "圖中", "画面", "畫面", "这幅图", "這幅圖", "图里", "圖裡", "图上", "圖上",
    "画像", "写真", "スクリーンショット", "この図",
    "이미지", "사진", "스크린샷", "그림",
  ],
  alignment: [
    "伦理", "倫理", "道德", "有害", "危险", "危險", "违法", "違法", "非法", "武器", "毒品", "自杀", "自殺", "自残", "自殘", "伤害自己", "傷害自己",
    "炸弹", "炸彈", "爆炸物", "化学武器", "化學武器", "生物武器", "越狱", "越獄", "拒绝回答", "拒絕回答", "拒绝帮助", "拒絕幫助", "应该拒绝", "應該拒絕",
    "隐私", "隱私", "欺骗", "欺騙", "操纵", "操縱", "价值观", "價值觀", "偏见", "偏見", "歧视", "歧視", "仇恨言论", "仇恨言論",
    "黑客", "駭客", "恶意软件", "惡意軟體", "网络钓鱼", "網路釣魚", "你的开发者", "你的開發者", "诈骗", "詐騙", "撒谎", "撒謊", "处方药", "處方藥", "不需要处方", "服从", "服從", "燃烧弹", "燃燒彈", "汽油弹", "人工智能应该", "人工智慧應該", "破解", "盗号", "盜號", "盗取", "盜取", "作弊", "反抗人类", "反抗人類", "毁灭人类", "毀滅人類", "统治人类", "統治人類", "训练目标", "訓練目標", "色情", "恐怖袭击", "恐怖襲擊", "恐怖主义", "恐怖主義", "赌博", "賭博", "洗钱", "洗錢", "逃税", "逃稅", "盗版", "盜版", "翻墙", "翻牆", "冒充", "伪造", "偽造", "勒索", "被关闭", "被關閉", "家庭住址", "人肉搜索", "隐瞒", "隱瞞", "运营方", "運營方",
    "敏感", "政治", "审查", "審查", "台湾", "天安门", "新疆", "西藏", "人权", "民主",
    // The same questions in the words a campaign sends them in: 1989, the Falun Gong, the Dalai Lama, the
    // Uyghurs, the leader's name, dictatorship, repression, dissent, free speech, the firewall.
    "六四", "法轮功", "法輪功", "达赖", "達賴", "维吾尔", "維吾爾", "习近平", "習近平", "独裁", "獨裁", "镇压", "鎮壓", "异见", "異見", "言论自由", "言論自由", "新闻自由", "新聞自由", "翻墙", "翻牆", "防火长城", "防火長城", "集中营", "集中營", "政治犯",
    "倫理", "道徳", "違法", "危険", "薬物", "爆弾", "差別", "偏見", "脱獄", "プライバシー", "拒否", "嘘をつ", "騙", "盗む", "盗ん", "ハッキング", "詐欺", "不正アクセス",
    "윤리", "도덕", "유해", "불법", "위험", "무기", "마약", "자살", "폭탄", "차별", "편견", "탈옥", "개인정보", "거부",
  ],
  rubric: [
    "评分", "評分", "打分", "评判", "評判", "评审", "評審", "哪个回答", "哪個回答", "哪个回复", "哪個回覆", "哪一个回答", "哪一個回答", "更好的回答",
    "参考答案", "參考答案", "满分", "滿分", "扣分", "公正的裁判", "作为裁判", "作為裁判", "输出a或b", "輸出a或b", "忠实于原文", "忠實於原文", "流畅度", "流暢度",
    "评估以下", "評估以下", "评估下面", "評估下面", "评估这个回答", "評估這個回答", "给出分数", "給出分數", "百分制", "十分制", "评委", "評委", "比较这两", "比較這兩", "哪篇更", "更有帮助", "更有幫助", "更无害", "更無害", "幻觉", "幻覺", "事实错误", "事實錯誤", "评价标准", "評價標準", "打分员", "評分員", "孰优孰劣", "優劣",
    "採点", "評価基準", "評価して", "どちらの回答", "回答を比較", "どちらが優れ", "点数", "点満点", "審査",
    "채점", "평가 기준", "평가해", "어느 답변", "점수", "심사",
  ],
  creative: [
    "写一首", "寫一首", "诗", "詩", "小说", "小說", "故事", "剧本", "劇本", "歌词", "歌詞", "角色扮演", "扮演", "口吻", "童话", "童話", "寓言", "散文", "对联", "對聯",
    "创意", "創意", "起名", "取名", "起.{0,6}名字", "取.{0,6}名字", "广告语", "廣告語", "标语", "標語", "文案",
    "俳句", "物語", "小説", "短歌", "ロールプレイ",
    "시를 써", "시 한 편", "소설", "이야기를 써", "노래 가사", "가사를 써", "동화", "역할극",
  ],
};

/** Russian stems, and European words that begin or end with an accented letter: matched after a non-letter. */
const AFTER_NON_LETTER: Record<Lexical, readonly string[]> = {
  reasoning: ["уравнени", "докаж", "вероятност", "вычисли", "реши(?:те)? (?:задачу|уравнение|пример)", "треугольник", "площадь", "периметр", "последовательност", "простое число", "простых чисел", "чисел", "трёхзначн", "трехзначн", "двузначн", "делится на", "остаток от деления", "сколько часов", "сколько времени", "км/ч", "загадк", "головоломк", "производн", "интеграл", "énigme", "équation"],
  coding: ["функци[юяи]", "код(?:[аеуы]|ом)?(?![\\p{L}])", "программ", "алгоритм", "массив", "переменн", "компил", "отлад", "скрипт", "баз[аеуы] данных", "миграци", "питон", "джаваскрипт"],
  agentic: ["доступн(?:ые|ым|ых) инструмент", "вызов(?:и)? (?:функци|инструмент)", "ии-агент", "браузер", "командн(?:ая|ой|ую) строк", "автоматизир", "от моего имени"],
  data_analysis: ["данные", "данных", "статистик", "средн(?:ее|ий|юю) (?:значени|чек|зарплат)", "по месяцам", "по кварталам", "выгрузк", "медиан", "дисперси", "регресси", "корреляци", "построй график", "построить график", "гистограмм", "диаграмм", "таблиц", "продаж", "тренд", "выборк", "опрос", "écart-type"],
  vision: ["изображени", "картинк", "фотографи", "фото", "скриншот"],
  alignment: ["цензур", "диссидент", "политзаключ", "репресси", "навальн", "путин", "оппозиционер", "авторитар", "диктатур", "этик[аиуе]", "этичн", "морал", "вредн", "незаконн", "нелегальн", "оружи", "наркотик", "самоубийств", "взрывчат", "бомб", "дискриминац", "предвзят", "конфиденциальн", "отказыва", "отказать", "взлом", "обман", "манипул", "ética", "ético", "éthique", "éthiquement"],
  rubric: ["оцени(?:те)? (?:ответ|качество|по)", "по шкале", "рубрик", "критери(?:ям|и) оценки", "по критериям", "балл", "какой (?:из )?ответ(?:ов)? лучше", "сравни(?:те)? (?:два|оба) ответа", "поставь(?:те)? оценку", "оценку от \\d", "беспристрастн(?:ый|ого) судь", "évalue", "évaluez", "échelle de"],
  creative: ["стих", "поэм", "рассказ(?:ы|а|ом)?(?![\\p{L}])", "сказк", "сочини", "песн", "ролев(?:ая|ой|ую|ые) игр", "écri(?:s|vez) (?:un |une )?(?:poème|conte|histoire|nouvelle|chanson)"],
};

/** Latin-1's first lower-case letter, à: below it only ASCII and punctuation, where no other-script word starts. */
const FIRST_OTHER_SCRIPT_CODE = 0xe0;

/**
 * The other-script words grouped by first character (see alternation.ts), one sticky regex per group,
 * tried only where the text has that character. As one regex over the text, even led by a class of
 * the first characters, the scan cost 33 µs per 1,000 characters of such text; this loop, 7.
 */
const GROUP_AT = new Map<number, RegExp>(
  topLevelAlternatives(groupedAlternation([...new Set((Object.keys(CJK) as Lexical[]).flatMap((d) => [...CJK[d], ...AFTER_NON_LETTER[d]]))])).map((group) => {
    const first = group.charCodeAt(0);
    // The loop below skips ASCII and Latin-1 punctuation unread; a word starting there would never be found.
    if (first < FIRST_OTHER_SCRIPT_CODE) throw new Error(`other-script word must not start with an ASCII character: ${group}`);
    return [first, new RegExp(group, "uy")];
  }),
);
const whole = (list: readonly string[]): RegExp => new RegExp(`^(?:${words(list)})$`, "u");
const CJK_WHOLE = (Object.keys(CJK) as Lexical[]).map((d) => ({ domain: d, re: whole(CJK[d]) }));
const AFTER_NON_LETTER_WHOLE = (Object.keys(AFTER_NON_LETTER) as Lexical[]).map((d) => ({ domain: d, re: whole(AFTER_NON_LETTER[d]) }));
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The domain of a word found; `before` is the character before it. Null for a stem inside a word. */
function otherScriptDomain(hit: string, before: string | undefined): Lexical | null {
  for (const { domain, re } of CJK_WHOLE) if (re.test(hit)) return domain;
  if (before !== undefined && LETTER_OR_DIGIT.test(before)) return null;
  for (const { domain, re } of AFTER_NON_LETTER_WHOLE) if (re.test(hit)) return domain;
  return null;
}

/** Calls `visit` with each other-script word in the (lower-cased) text and its domain, left to right. */
export function forEachOtherScriptWord(lower: string, visit: (word: string, domain: Lexical, at: number) => void): void {
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if (code < FIRST_OTHER_SCRIPT_CODE) continue;
    const group = GROUP_AT.get(code);
    if (group === undefined) continue;
    group.lastIndex = i;
    const m = group.exec(lower);
    if (m === null) continue;
    const domain = otherScriptDomain(m[0], i > 0 ? lower[i - 1] : undefined);
    if (domain !== null) visit(m[0], domain, i);
    i += m[0].length - 1;
  }
}

/** Whether a (lower-cased) text holds a letter the other-script words could start with. */
export const HAS_OTHER_SCRIPT = /[\u00e0-\u00ff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/**
 * A question for a quantity in Chinese, Japanese, Korean or Russian. With two numbers in the text it
 * is a word problem ("3个210円のとき、7個ではいくら", "за сколько дней построят 4 рабочих"), which
 * those languages word with everyday nouns no lexicon lists; English says "how many" and "how much",
 * which the reasoning word list already holds.
 */
export const QUANTITY_QUESTION = /多少|[几幾][个個只隻人天种種条條本次岁歲年]|いくら|いくつ|何[個人日本回]|몇|얼마|сколько/u;
export const TWO_NUMBERS = /\d[^\d]+\d/;
/**
 * A score range in points, as Chinese rubrics write it ("每项1-5分", "1到10分"): the bracketed range of
 * the English lexicon in another notation. Bounded digits: unbounded, a long digit run cost quadratic
 * backtracking at every position.
 */
export const SCORE_RANGE_IN_POINTS = /[0-9]{1,3}\s*[-–~到至]\s*[0-9]{1,3}\s*分/u;
