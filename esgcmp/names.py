"""Name folding, so that ids, English and Chinese names and aliases match loosely.

Matching ignores case, width (full-width ``（`` = ``(``), spaces, hyphens and
underscores, and folds Traditional Chinese characters to Simplified, so ``中國聯通``,
``中国联通`` and ``China Unicom`` all find the same company.
"""

from __future__ import annotations

import re
import unicodedata

# Traditional -> Simplified for the characters that occur in company and KPI names.
# A full converter (OpenCC) would be a dependency for a few dozen characters.
_TRADITIONAL = (
    "國国 聯联 網网 絡络 電电 訊讯 務务 團团 億亿 萬万 溫温 氣气 體体 資资 與与 數数 據据 "
    "節节 約约 總总 設设 備备 權权 產产 業业 實实 際际 員员 訓训 練练 時时 學学 習习 "
    "額额 納纳 稅税 幣币 門门 開开 發发 應应 項项 場场 車车 輛辆 動动 勞劳 災灾 傷伤 "
    "亡亡 損损 護护 環环 廢废 棄弃 處处 貨货 購购 採采 商商 供供 區区 東东 華华 "
    "觀观 關关 鍵键 績绩 效效 標标 準准 煤煤 噸吨 熱热 燃燃 費费 營营 收收 "
    "專专 利利 軟软 著著 願愿 獻献 捐捐 贈赠 優优 質质 務务 戶户 訴诉 隨随 "
    "碳碳 排排 放放 範范 疇畴 間间 接接 強强 度度 耗耗 密密 汽汽 油油 柴柴 "
    "氣气 煙烟 紙纸 調调 換换 線线 纜缆 蓄蓄 電电 池池 報报 廣广 龍龙 臺台 灣湾 "
    "澳澳 門门 港港 內内 外外 際际 參参 會会 議议 團团 黨党 廉廉 腐腐 敗败 "
    "通通 信信 服服 份份 限限 公公 司司 集集 股股 香香 中中 合合 聯联 網网"
)
_T2S = str.maketrans({pair[0]: pair[1] for pair in _TRADITIONAL.split() if pair[0] != pair[1]})
_IGNORED = re.compile(r"[\s\-_]+")


def fold(name: str) -> str:
    """The form two names are compared in."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().translate(_T2S)
    return _IGNORED.sub("", text)


def plural(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``, ``0 errors``: a count and its noun, in agreement."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
