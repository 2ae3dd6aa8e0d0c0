"""The packet's fixed phrases, per language (en, es, vi, pa, hi).

Why a small catalogue here instead of gettext: the client copy is a document a resident takes
to an agency, so it must be in their language the moment this feature ships, independent of
when the interface's .po files are translated and compiled (a separate, later pass). These ~25
phrases were written for this document; the catalogue is tested for completeness (every
language has every key). Interface strings (the status partial, buttons) use gettext as usual.
Data entered by staff (program names, hours, what to bring, eligibility reasons) is shown as
entered.
"""

from casework.models.choices import LANGUAGE_AUTONYMS

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Referral packet",
        "copy_client": "Your copy",
        "copy_agency": "Copy for the agency",
        "intro_client": (
            "Show this page when you contact the program and give them your reference code."
        ),
        "intro_agency": (
            "A community center referred this client to your program. Client details are "
            "limited to what the client consented to share with your agency."
        ),
        "reference": "Reference code",
        "sent_on": "Sent on",
        "program": "Program",
        "agency": "Agency",
        "where": "Where to go",
        "hours": "Hours",
        "contact": "Contact",
        "phone": "Phone",
        "email": "Email",
        "bring": "What to bring",
        "screening_client": "What the screening found",
        "screening_agency": "What the screening found",
        "screened_likely_client": (
            "Your navigator's screening found that you are likely eligible for this program."
        ),
        "screened_need_info_client": (
            "Your navigator's screening needs more information before it can say whether you "
            "are eligible. The program will ask you."
        ),
        "screened_not_eligible_client": (
            "Your navigator's screening found that you may not be eligible for this program. "
            "The program can tell you for sure."
        ),
        "screened_open_client": (
            "This program is open to everyone: no eligibility screening was needed."
        ),
        "screened_none_client": "Your navigator will explain why this program fits you.",
        "screened_likely_agency": "The navigator screened the client as likely eligible.",
        "screened_need_info_agency": (
            "The navigator's screening needs more information to decide eligibility "
            "(see below what is not known yet)."
        ),
        "screened_not_eligible_agency": (
            "The navigator's screening found the client not eligible under the rules in force; "
            "see the navigator's reason for this referral."
        ),
        "screened_open_agency": ("The program lists no eligibility rules: it is open to everyone."),
        "screened_none_agency": "This referral carries no screening result.",
        "reasons_withheld_agency": (
            "Some screening details are not shown: the client did not consent to share that "
            "information with your agency."
        ),
        "navigator_client": "Your navigator",
        "navigator_agency": "Referred by",
        "navigator_note": "The navigator's reason for this referral",
        "client_info_client": "Your information shared with the program, with your consent",
        "client_info_agency": "Client information shared with consent",
        "name": "Name",
        "date_of_birth": "Date of birth",
        "address": "Address",
        "language": "Preferred language",
        "household_size": "Household size",
        "monthly_income": "Monthly income",
        "needs": "Needs",
        "ask_program": "Ask the program.",
        "nothing_else": "No other information was shared.",
    },
    "es": {
        "title": "Paquete de remisión",
        "copy_client": "Su copia",
        "intro_client": (
            "Muestre esta hoja cuando se comunique con el programa y dé su código de referencia."
        ),
        "reference": "Código de referencia",
        "sent_on": "Enviado el",
        "program": "Programa",
        "agency": "Agencia",
        "where": "Dónde ir",
        "hours": "Horario",
        "contact": "Contacto",
        "phone": "Teléfono",
        "email": "Correo electrónico",
        "bring": "Qué debe traer",
        "screening_client": "Resultado de la evaluación",
        "screened_likely_client": (
            "Según la evaluación de su navegador(a), probablemente usted califica para este "
            "programa."
        ),
        "screened_need_info_client": (
            "La evaluación de su navegador(a) necesita más información para saber si usted "
            "califica. El programa le hará las preguntas."
        ),
        "screened_not_eligible_client": (
            "Según la evaluación de su navegador(a), es posible que usted no califique para este "
            "programa. El programa se lo puede confirmar."
        ),
        "screened_open_client": (
            "Este programa está abierto a todas las personas: no hizo falta una evaluación."
        ),
        "screened_none_client": "Su navegador(a) le explicará por qué este programa le conviene.",
        "navigator_client": "Su navegador(a)",
        "client_info_client": "Su información compartida con el programa, con su consentimiento",
        "name": "Nombre",
        "date_of_birth": "Fecha de nacimiento",
        "address": "Dirección",
        "language": "Idioma preferido",
        "household_size": "Personas en el hogar",
        "monthly_income": "Ingreso mensual",
        "needs": "Necesidades",
        "ask_program": "Pregunte al programa.",
        "nothing_else": "No se compartió ninguna otra información.",
    },
    "vi": {
        "title": "Hồ sơ giới thiệu",
        "copy_client": "Bản của quý vị",
        "intro_client": (
            "Vui lòng xuất trình trang này khi liên lạc với chương trình và cho biết mã tham "
            "chiếu của quý vị."
        ),
        "reference": "Mã tham chiếu",
        "sent_on": "Ngày gửi",
        "program": "Chương trình",
        "agency": "Cơ quan",
        "where": "Địa điểm",
        "hours": "Giờ làm việc",
        "contact": "Liên lạc",
        "phone": "Điện thoại",
        "email": "Email",
        "bring": "Giấy tờ cần mang theo",
        "screening_client": "Kết quả sàng lọc",
        "screened_likely_client": (
            "Theo kết quả sàng lọc của nhân viên hướng dẫn, quý vị có thể đủ điều kiện tham gia "
            "chương trình này."
        ),
        "screened_need_info_client": (
            "Kết quả sàng lọc của nhân viên hướng dẫn cần thêm thông tin để biết quý vị có đủ "
            "điều kiện hay không. Chương trình sẽ hỏi quý vị."
        ),
        "screened_not_eligible_client": (
            "Theo kết quả sàng lọc của nhân viên hướng dẫn, quý vị có thể không đủ điều kiện tham "
            "gia chương trình này. Chương trình có thể xác nhận cho quý vị."
        ),
        "screened_open_client": (
            "Chương trình này dành cho tất cả mọi người: không cần sàng lọc điều kiện."
        ),
        "screened_none_client": (
            "Nhân viên hướng dẫn sẽ giải thích vì sao chương trình này phù hợp với quý vị."
        ),
        "navigator_client": "Nhân viên hướng dẫn của quý vị",
        "client_info_client": (
            "Thông tin của quý vị được chia sẻ với chương trình, theo sự đồng ý của quý vị"
        ),
        "name": "Họ tên",
        "date_of_birth": "Ngày sinh",
        "address": "Địa chỉ",
        "language": "Ngôn ngữ ưa dùng",
        "household_size": "Số người trong hộ gia đình",
        "monthly_income": "Thu nhập hàng tháng",
        "needs": "Nhu cầu",
        "ask_program": "Vui lòng hỏi chương trình.",
        "nothing_else": "Không có thông tin nào khác được chia sẻ.",
    },
    "pa": {
        "title": "ਰੈਫ਼ਰਲ ਪੈਕੇਟ",
        "copy_client": "ਤੁਹਾਡੀ ਕਾਪੀ",
        "intro_client": "ਪ੍ਰੋਗਰਾਮ ਨਾਲ ਸੰਪਰਕ ਕਰਨ ਵੇਲੇ ਇਹ ਪੰਨਾ ਦਿਖਾਓ ਅਤੇ ਆਪਣਾ ਹਵਾਲਾ ਕੋਡ ਦੱਸੋ।",
        "reference": "ਹਵਾਲਾ ਕੋਡ",
        "sent_on": "ਭੇਜਣ ਦੀ ਮਿਤੀ",
        "program": "ਪ੍ਰੋਗਰਾਮ",
        "agency": "ਸੰਸਥਾ",
        "where": "ਕਿੱਥੇ ਜਾਣਾ ਹੈ",
        "hours": "ਸਮਾਂ",
        "contact": "ਸੰਪਰਕ",
        "phone": "ਫ਼ੋਨ",
        "email": "ਈਮੇਲ",
        "bring": "ਨਾਲ ਕੀ ਲਿਆਉਣਾ ਹੈ",
        "screening_client": "ਜਾਂਚ ਦਾ ਨਤੀਜਾ",
        "screened_likely_client": "ਤੁਹਾਡੇ ਮਾਰਗਦਰਸ਼ਕ ਦੀ ਜਾਂਚ ਅਨੁਸਾਰ ਤੁਸੀਂ ਸ਼ਾਇਦ ਇਸ ਪ੍ਰੋਗਰਾਮ ਲਈ ਯੋਗ ਹੋ।",
        "screened_need_info_client": (
            "ਤੁਹਾਡੇ ਮਾਰਗਦਰਸ਼ਕ ਦੀ ਜਾਂਚ ਨੂੰ ਇਹ ਦੱਸਣ ਲਈ ਹੋਰ ਜਾਣਕਾਰੀ ਦੀ ਲੋੜ ਹੈ ਕਿ ਤੁਸੀਂ ਯੋਗ ਹੋ ਜਾਂ ਨਹੀਂ। "
            "ਪ੍ਰੋਗਰਾਮ ਤੁਹਾਡੇ ਤੋਂ ਪੁੱਛੇਗਾ।"
        ),
        "screened_not_eligible_client": (
            "ਤੁਹਾਡੇ ਮਾਰਗਦਰਸ਼ਕ ਦੀ ਜਾਂਚ ਅਨੁਸਾਰ ਤੁਸੀਂ ਸ਼ਾਇਦ ਇਸ ਪ੍ਰੋਗਰਾਮ ਲਈ ਯੋਗ ਨਹੀਂ ਹੋ। "
            "ਪ੍ਰੋਗਰਾਮ ਇਸ ਦੀ ਪੁਸ਼ਟੀ ਕਰ ਸਕਦਾ ਹੈ।"
        ),
        "screened_open_client": "ਇਹ ਪ੍ਰੋਗਰਾਮ ਸਾਰਿਆਂ ਲਈ ਖੁੱਲ੍ਹਾ ਹੈ: ਯੋਗਤਾ ਜਾਂਚ ਦੀ ਲੋੜ ਨਹੀਂ ਸੀ।",
        "screened_none_client": "ਤੁਹਾਡੇ ਮਾਰਗਦਰਸ਼ਕ ਦੱਸਣਗੇ ਕਿ ਇਹ ਪ੍ਰੋਗਰਾਮ ਤੁਹਾਡੇ ਲਈ ਕਿਉਂ ਢੁਕਵਾਂ ਹੈ।",
        "navigator_client": "ਤੁਹਾਡੇ ਮਾਰਗਦਰਸ਼ਕ",
        "client_info_client": "ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਨਾਲ ਪ੍ਰੋਗਰਾਮ ਨਾਲ ਸਾਂਝੀ ਕੀਤੀ ਤੁਹਾਡੀ ਜਾਣਕਾਰੀ",
        "name": "ਨਾਮ",
        "date_of_birth": "ਜਨਮ ਮਿਤੀ",
        "address": "ਪਤਾ",
        "language": "ਪਸੰਦੀਦਾ ਭਾਸ਼ਾ",
        "household_size": "ਘਰ ਦੇ ਮੈਂਬਰਾਂ ਦੀ ਗਿਣਤੀ",
        "monthly_income": "ਮਹੀਨਾਵਾਰ ਆਮਦਨ",
        "needs": "ਲੋੜਾਂ",
        "ask_program": "ਪ੍ਰੋਗਰਾਮ ਤੋਂ ਪੁੱਛੋ।",
        "nothing_else": "ਕੋਈ ਹੋਰ ਜਾਣਕਾਰੀ ਸਾਂਝੀ ਨਹੀਂ ਕੀਤੀ ਗਈ।",
    },
    "hi": {
        "title": "रेफ़रल पैकेट",
        "copy_client": "आपकी प्रति",
        "intro_client": "कार्यक्रम से संपर्क करते समय यह पृष्ठ दिखाएँ और अपना संदर्भ कोड बताएँ।",
        "reference": "संदर्भ कोड",
        "sent_on": "भेजने की तारीख",
        "program": "कार्यक्रम",
        "agency": "संस्था",
        "where": "कहाँ जाएँ",
        "hours": "समय",
        "contact": "संपर्क",
        "phone": "फ़ोन",
        "email": "ईमेल",
        "bring": "साथ क्या लाएँ",
        "screening_client": "जाँच का परिणाम",
        "screened_likely_client": "आपके मार्गदर्शक की जाँच के अनुसार आप संभवतः इस कार्यक्रम के लिए पात्र हैं।",
        "screened_need_info_client": (
            "आपके मार्गदर्शक की जाँच को यह बताने के लिए और जानकारी चाहिए कि आप पात्र हैं या नहीं। "
            "कार्यक्रम आपसे पूछेगा।"
        ),
        "screened_not_eligible_client": (
            "आपके मार्गदर्शक की जाँच के अनुसार आप शायद इस कार्यक्रम के लिए पात्र नहीं हैं। "
            "कार्यक्रम इसकी पुष्टि कर सकता है।"
        ),
        "screened_open_client": "यह कार्यक्रम सभी के लिए खुला है: पात्रता जाँच की ज़रूरत नहीं थी।",
        "screened_none_client": "आपके मार्गदर्शक बताएँगे कि यह कार्यक्रम आपके लिए क्यों उपयुक्त है।",
        "navigator_client": "आपके मार्गदर्शक",
        "client_info_client": "आपकी सहमति से कार्यक्रम के साथ साझा की गई आपकी जानकारी",
        "name": "नाम",
        "date_of_birth": "जन्म तिथि",
        "address": "पता",
        "language": "पसंदीदा भाषा",
        "household_size": "परिवार के सदस्यों की संख्या",
        "monthly_income": "मासिक आय",
        "needs": "ज़रूरतें",
        "ask_program": "कार्यक्रम से पूछें।",
        "nothing_else": "कोई अन्य जानकारी साझा नहीं की गई।",
    },
}

# The agency copy is always in English: its phrases are only needed in "en".
AGENCY_ONLY_KEYS = frozenset(
    [k for k in PHRASES["en"] if k.endswith("_agency")] + ["navigator_note"]
)

# Each language named in itself, for the "preferred language" line.
AUTONYMS = LANGUAGE_AUTONYMS


def phrases(language: str) -> dict[str, str]:
    return PHRASES.get(language, PHRASES["en"])
