"""Column headers: the one place that normalises a header text and says which column it names.

Account lists and transaction lists are recognised by the same rule, from two alias tables kept
as data (:data:`ACCOUNT_ALIASES`, :data:`TRANSACTION_ALIASES`):

- a header is compared lower-case with every run of punctuation, ``_`` or spaces as one space
  (``"Customer_ID"``, ``"customer-id"`` and ``"Customer ID"`` are the same);
- an exact alias (``"Net sales"``) names its role; otherwise a header that contains an alias as
  whole words (``"Sales amount"`` contains ``"sales"``, ``"Customer ref"`` contains
  ``"customer"``) names that alias' role, the alias tables being tried in their order;
- when two columns name one role, an exact match beats a partial one and then the first column
  wins; the caller decides whether the loser is a note (accounts) or an error (transactions).

:func:`list_kind` tells a transaction list's header row from an account list's, and
:func:`header_score` counts the columns a row names, which is how the header row of an export
is found below its title rows (:mod:`core.table_finder`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Account list columns, in English, German, French, Spanish, Italian, Dutch and Portuguese (the
#: markets segmenter sells to), compared after :func:`header_words` (accents dropped, camelCase
#: and snake_case split, a currency or unit in brackets removed). "channel" comes before
#: "region", so "route to market ..." is a channel.
ACCOUNT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "account": (
        "account",
        "customer",
        "client",
        "name",
        "id",
        "account name",
        "customer name",
        "customer id",
        "account id",
        "company",
        "company name",
        "organisation",
        "organization",
        "contact name",
        "billing name",
        "customer display name",
        "buyer",
        "debtor",
        "sold to",
        "sold to party",
        "payer",
        "kunde",
        "kunden",
        "kundenname",
        "firma",
        "firmenname",
        "debitor",
        "debitorname",
        "debitorenname",
        "kundenbezeichnung",
        "auftraggeber",
        # a German ledger's customer account (DATEV's "Konto" holds the debitor number)
        "konto",
        "kontonummer",
        "personenkonto",
        "debitorennummer",
        "debitorenkonto",
        "debitor nr",
        "kundennummer",
        "kunden nr",
        "kundennr",
        "kunden id",
        "nom du client",
        "societe",
        "entreprise",
        "raison sociale",
        "nom",
        "cliente",
        "nombre del cliente",
        "nombre cliente",
        "empresa",
        "razon social",
        "nombre",
        "ragione sociale",
        "azienda",
        "nome cliente",
        "nome",
        "klant",
        "klantnaam",
        "bedrijf",
        "bedrijfsnaam",
        "relatie",
        "debiteur",
        "nome do cliente",
    ),
    "revenue": (
        "revenue",
        "sales",
        "turnover",
        "amount",
        "net sales",
        "revenue total",
        "subtotal",
        "total",
        "total price",
        "extended price",
        "income",
        "invoiced",
        "net revenue",
        "line amount",
        "line total",
        "umsatz",
        "umsatze",
        "nettoumsatz",
        "umsatzerlose",
        "erlos",
        "erlose",
        "betrag",
        "nettobetrag",
        "nettowert",
        "net value",
        "chiffre d affaires",
        "ca",
        "ca ht",
        "ventes",
        "montant",
        "montant ht",
        "ingresos",
        "ventas",
        "facturacion",
        "importe",
        "monto",
        "fatturato",
        "ricavi",
        "vendite",
        "importo",
        "imponibile",
        "omzet",
        "bedrag",
        "verkopen",
        "opbrengst",
        "receita",
        "faturamento",
        "faturacao",
        "vendas",
        "montante",
        "base imponible",
        "importe neto",
        "base imposable",
        "total ht",
        "nettosumme",
        "netto",
        "valor liquido",
        "base de calculo",
    ),
    "profit": (
        "profit",
        "margin",
        "contribution",
        "contribution margin",
        "gross profit",
        "gross margin",
        "gm",
        "cm",
        "deckungsbeitrag",
        "db",
        "gewinn",
        "marge",
        "rohertrag",
        "rohgewinn",
        "benefice",
        "marge brute",
        "margen",
        "beneficio",
        "utilidad",
        "ganancia",
        "margen bruto",
        "margine",
        "utile",
        "margine lordo",
        "margine di contribuzione",
        "winst",
        "brutowinst",
        "dekkingsbijdrage",
        "margem",
        "lucro",
        "margem bruta",
    ),
    "nps": (
        "nps",
        "score",
        "nps score",
        "likelihood to recommend",
        "ltr",
        "recommend",
        "weiterempfehlung",
        "empfehlung",
        "recommandation",
        "recommanderiez",
        "recomendacion",
        "recomendaria",
        "raccomandazione",
        "raccomanderebbe",
        "aanbeveling",
        "aanbevelen",
        "recomendacao",
        "recomendaria",
    ),
    "industry": (
        "industry",
        "segment",
        "vertical",
        "sector",
        "branche",
        "secteur",
        "secteur d activite",
        "industria",
        "settore",
        "setor",
        "ramo",
    ),
    "size": (
        "size",
        "employees",
        "size band",
        "company size",
        "headcount",
        "number of employees",
        "mitarbeiter",
        "mitarbeiterzahl",
        "unternehmensgrosse",
        "grosse",
        "effectif",
        "taille",
        "empleados",
        "tamano",
        "dipendenti",
        "dimensione",
        "medewerkers",
        "grootte",
        "funcionarios",
        "tamanho",
    ),
    "channel": (
        "channel",
        "route to market",
        "partner type",
        "sales channel",
        "channel type",
        "rtm",
        "kanal",
        "vertriebskanal",
        "canal",
        "canal de vente",
        "canal de venta",
        "canale",
        "kanaal",
        "canal de venda",
    ),
    "cost_to_serve": (
        "cost to serve",
        "support cost",
        "support costs",
        "service cost",
        "service costs",
        "servicing cost",
        "cost of service",
        "cts",
        "servicekosten",
        "betreuungskosten",
        "cout de service",
        "costo de servicio",
        "costo del servizio",
        "custo de atendimento",
        "custo de servico",
    ),
    "region": (
        "region",
        "country",
        "territory",
        "market",
        "land",
        "gebiet",
        "pays",
        "pais",
        "paese",
        "regione",
        "nazione",
        "regio",
        "regiao",
    ),
    "first_purchase": (
        "first purchase",
        "since",
        "start date",
        "customer since",
        "first order",
        "start",
        "kunde seit",
        "erster kauf",
        "erstkauf",
        "client depuis",
        "premier achat",
        "cliente desde",
        "primera compra",
        "cliente dal",
        "primo acquisto",
        "klant sinds",
        "eerste aankoop",
        "primeira compra",
    ),
}

#: Transaction list columns: one row per order, invoice or invoice line.
TRANSACTION_ALIASES: Mapping[str, tuple[str, ...]] = {
    "customer": (
        "customer",
        "customer id",
        "customer no",
        "customer number",
        "customer name",
        "account",
        "account id",
        "account name",
        "client",
        "client id",
        "client name",
        "cust id",
        "company",
        "company name",
        "contact name",
        "billing name",
        "buyer",
        "debtor",
        "sold to",
        "organization",
        "organisation",
        "organization name",
        "organisation name",
        "name",
        "kunde",
        "kundenname",
        "kundennummer",
        "debitor",
        "firma",
        "konto",
        "kontonummer",
        "personenkonto",
        "debitorennummer",
        "debitorenkonto",
        "debitor nr",
        "kunden nr",
        "kundennr",
        "kunden id",
        "nom du client",
        "societe",
        "cliente",
        "nombre del cliente",
        "empresa",
        "razon social",
        "ragione sociale",
        "nome cliente",
        "klant",
        "klantnaam",
        "debiteur",
        "nome do cliente",
    ),
    "date": (
        "date",
        "order date",
        "invoice date",
        "purchase date",
        "transaction date",
        "sale date",
        "created at",
        "created",
        "processed at",
        "posting date",
        "won time",
        "won date",
        "closed at",
        "datum",
        "rechnungsdatum",
        "belegdatum",
        "buchungsdatum",
        "bestelldatum",
        "date de facture",
        "date de commande",
        "fecha",
        "fecha de factura",
        "fecha del pedido",
        "data",
        "data fattura",
        "data ordine",
        "factuurdatum",
        "besteldatum",
        "data da fatura",
        "data do pedido",
    ),
    "amount": (
        "amount",
        "revenue",
        "sales",
        "value",
        "spend",
        "net amount",
        "order value",
        "net sales",
        "subtotal",
        "total",
        "line amount",
        "line total",
        "total price",
        "extended price",
        "umsatz",
        "betrag",
        "nettobetrag",
        "erlos",
        "montant",
        "montant ht",
        "importe",
        "monto",
        "importo",
        "bedrag",
        "omzet",
        "valor",
        "montante",
        # the net amount of an invoice register, beside its tax and its total with tax
        "base imponible",
        "importe neto",
        "base imposable",
        "total ht",
        "imponibile",
        "nettosumme",
        "netto",
        "net",
        "valor liquido",
    ),
    "profit": (
        "profit",
        "margin",
        "gross profit",
        "gross margin",
        "profit amount",
        "margin amount",
        "deckungsbeitrag",
        "marge",
        "margen",
        "margine",
        "margem",
        "winst",
        "lucro",
        "gewinn",
    ),
    "quantity": (
        "quantity",
        "qty",
        "units",
        "number of items",
        "menge",
        "anzahl",
        "quantite",
        "cantidad",
        "quantita",
        "aantal",
        "quantidade",
    ),
    # per order: the profit CLV after cost to serve and the ranges and LTV:CAC per channel read them
    "cost_to_serve": ACCOUNT_ALIASES["cost_to_serve"],
    "channel": ACCOUNT_ALIASES["channel"],
    # per customer and year (a contract's service cost): turned into a cost per purchase by its purchase rate
    "cost_to_serve_per_year": (
        "cost to serve per year",
        "annual cost to serve",
        "yearly cost to serve",
        "cost to serve per annum",
        "annual service cost",
        "yearly service cost",
    ),
    # per customer, on its first order line (or every line): the unit economics' acquisition cost
    "acquisition_cost": (
        "acquisition cost",
        "customer acquisition cost",
        "cost of acquisition",
        "cac",
        "akquisitionskosten",
        "cout d acquisition",
        "costo de adquisicion",
    ),
}

#: Columns an export has beside its figures, which segmenter reads to understand its layout
#: (:mod:`core.exports`): the currency of an amount, a record's status, the order or invoice a
#: line belongs to, refunds, survey markers.
LAYOUT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "currency": (
        "currency",
        "currency code",
        "currency iso code",
        "waehrung",
        "wahrung",
        "devise",
        "monnaie",
        "moneda",
        "divisa",
        "valuta",
        "munt",
        "moeda",
    ),
    "status": (
        "status",
        "invoice status",
        "order status",
        "financial status",
        "state",
        "stage",
        "statut",
        "estado",
        "stato",
        "estado do pedido",
    ),
    "order": (
        "order",
        "order id",
        "order number",
        "order no",
        "invoice number",
        "invoice no",
        "invoice id",
        "invoice",
        "document number",
        "bestellnummer",
        "auftragsnummer",
        "rechnungsnummer",
        "belegnummer",
        "numero de facture",
        "numero de commande",
        "numero de factura",
        "numero de pedido",
        "numero fattura",
        "numero ordine",
        "factuurnummer",
        "bestelnummer",
        "numero da fatura",
        # a register's document number column as accounting packages head it (QuickBooks' "Num",
        # Spanish "Num"/"Nº factura", French "N° facture")
        "num",
        "numero",
        "factura",
        "facture",
        "fattura",
        "factuur",
        "fatura",
        "rechnung",
        "n factura",
        "n facture",
        "num factura",
        "numero documento",
        "document no",
        "doc no",
        "doc num",
    ),
    "refund": (
        "refunded amount",
        "refund",
        "refunds",
        "refunded",
        "erstattung",
        "gutschrift",
        "remboursement",
        "reembolso",
        "rimborso",
        "terugbetaling",
    ),
    "sign": (
        "soll haben kennzeichen",
        "soll haben kz",
        "soll haben",
        "s h",
        "sh kennzeichen",
        "debit credit",
        "dr cr",
        "d c",
        "debit credit indicator",
        "debit credit code",
        "sens",
        "debe haber",
    ),
    "respondent": (
        "response id",
        "respondent id",
        "responseid",
        "collector id",
        "recorded date",
        "ip address",
        "ipaddress",
        "response type",
        "duration in seconds",
        "progress",
        "finished",
        # Typeform's and Google Forms' response columns
        "network id",
        "submit date",
        "submitted at",
        "response token",
        "landed at",
        "timestamp",
    ),
}

#: Words that keep a header from naming revenue (an amount): it holds a tax, a discount, a price
#: per unit, a payment, a currency code, shipping or a refund, not what the account bought.
NOT_REVENUE_WORDS = frozenset(
    {
        "discount",
        "discounts",
        "tax",
        "taxes",
        "vat",
        "shipping",
        "freight",
        "refund",
        "refunded",
        "refunds",
        "paid",
        "due",
        "outstanding",
        "balance",
        "unit",
        "price",
        "compare",
        "currency",
        "code",
        "cost",
        "costs",
        "rabatt",
        "steuer",
        "mwst",
        "ust",
        "versand",
        "remise",
        "taxe",
        "tva",
        "descuento",
        "impuesto",
        "iva",
        "sconto",
        "imposta",
        "korting",
        "btw",
        "desconto",
        "imposto",
        "count",
        "number",
        "probability",
        "duties",
        "owner",
        "rep",
        "person",
        "team",
        "manager",
        "stage",
        "type",
        "date",
        "quantity",
        "qty",
    }
)

#: Tax words, and the words that say an amount is without them ("excl. VAT" is the net amount).
TAX_WORDS = frozenset(
    {"tax", "taxes", "vat", "mwst", "ust", "steuer", "tva", "taxe", "iva", "btw", "impuesto", "imposta", "imposto"}
)
EXCLUDING_WORDS = frozenset(
    {
        "excl",
        "excluding",
        "exclusive",
        "ex",
        "without",
        "ohne",
        "exkl",
        "hors",
        "ht",
        "sin",
        "senza",
        "sem",
        "zonder",
        "before",
        "pre",
    }
)

#: Words that keep a header from naming the account: a person or an attribute of the account
#: ("Account Owner", "Company Domain Name", "Customer type"), not the account itself.
NOT_LABEL_WORDS = frozenset(
    {
        "owner",
        "domain",
        "manager",
        "rep",
        "representative",
        "user",
        "type",
        "email",
        "phone",
        "website",
        "address",
        "city",
        "segment",
        "status",
        "group",
        "category",
        "betreuer",
        "verantwortlicher",
        "responsable",
        "proprietaire",
        "propietario",
    }
)

#: Words that mark a header as an identifier (a record, response or order number): a name
#: column beats it for the account label; the id stays as a column.
ID_WORDS = frozenset(
    {
        "id",
        "no",
        "nr",
        "number",
        "num",
        "key",
        "code",
        "ref",
        "reference",
        "nummer",
        "numero",
        "codigo",
        "codice",
        "guid",
        "uuid",
    }
)

#: Words that mark an amount in the base (company, corporate, home) currency: used before the
#: record-currency column of the same role ("Annual Revenue (Base)", "Amount (converted)").
BASE_CURRENCY_WORDS = frozenset(
    {
        "base",
        "converted",
        "corporate",
        "functional",
        "home",
        "company currency",
        "basiswahrung",
        "hauswahrung",
        "in company currency",
    }
)

#: Aliases that name a role only when nothing more specific does ("Total", a plain "Name").
WEAK_ALIASES = frozenset({"total", "name", "id", "nom", "nombre", "nome", "data", "created", "value", "valor"})

#: Aliases that name a role only as the whole header: inside a longer one they mean something
#: else ("Total employees", "Billing State", "Order date", "CA" for chiffre d'affaires).
EXACT_ONLY_ALIASES = frozenset(
    {
        "total",
        "subtotal",
        "ca",
        "order",
        "invoice",
        "state",
        "stage",
        "progress",
        "finished",
        "data",
        "created",
        "nom",
        "nome",
        "nombre",
        "db",
        "num",
        "numero",
        "factura",
        "facture",
        "fattura",
        "factuur",
        "fatura",
        "rechnung",
        "netto",
        "net",
    }
)

_ROLE_SETS = {"not revenue": NOT_REVENUE_WORDS}

#: Words of a header that only an account list has: per-account totals, survey answers, start and
#: end dates of a relationship ("First purchase date" is an account's, not an order's).
ACCOUNT_LIST_WORDS = frozenset(
    {"total", "totals", "annual", "yearly", "ytd", "turnover", "nps", "score", "recommend", "since", "first", "last"}
)

#: Headers and the role each table reads them as (None: not a column of that table). One table for
#: the tests of both lists, so that the two can never disagree unseen.
TEST_HEADERS: tuple[tuple[str, str | None, str | None], ...] = (
    # header, account role, transaction role
    ("Customer", "account", "customer"),
    ("Customer ref", "account", "customer"),
    ("Annual cost to serve", "cost_to_serve", "cost_to_serve_per_year"),
    ("Acquisition cost", None, "acquisition_cost"),
    ("CUSTOMER_ID", "account", "customer"),
    ("client-id", "account", "customer"),
    ("Invoice date", None, "date"),
    ("Order_Date", None, "date"),
    ("Sales amount", "revenue", "amount"),
    ("Invoice amount", "revenue", "amount"),
    ("Net revenue", "revenue", "amount"),
    ("Revenue (USD)", "revenue", "amount"),
    ("Net Sales", "revenue", "amount"),
    ("Gross-Profit", "profit", "profit"),
    ("GM%", "profit", None),
    ("Qty", None, "quantity"),
    ("Likelihood to recommend", "nps", None),
    ("Customer since", "first_purchase", "customer"),
    ("Route to market", "channel", "channel"),
    ("Support cost", "cost_to_serve", "cost_to_serve"),
    ("Owner", None, None),
)


def normalise_header(text: Any) -> str:
    """A header as compared: lower-case words separated by one space, accents dropped (``ß`` as
    ``ss``), camelCase split (``ContactName`` = ``contact name``).

    Examples
    --------
    >>> normalise_header("  Customer_ID "), normalise_header("Revenue (USD)"), normalise_header(None)
    ('customer id', 'revenue usd', '')
    >>> normalise_header("LineAmount"), normalise_header("Erlöse"), normalise_header("Unternehmensgröße")
    ('line amount', 'erlose', 'unternehmensgrosse')
    """
    if text is None:
        return ""
    text = str(text)
    text = _CAMEL.sub(" ", text)
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "SS"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[0-9a-z]+", text.lower()))


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: A bracketed currency or unit after a header: "Amount (EUR)", "Umsatz [T€]", "Revenue (in USD)".
_UNIT_BRACKET = re.compile(
    r"[(\[]\s*(?:in\s+)?(?:[A-Z]{3}|[$€£¥%]|t€|k€|tsd\.?|mio\.?|k|m|000s?|'000|"
    r"tsd\.?\s*[A-Z€$]{1,3}|%\s*)\s*[)\]]",
    re.I,
)


def header_words(text: Any) -> list[str]:
    """The words of a header that name its column: :func:`normalise_header` without a currency
    or unit in brackets.

    Examples
    --------
    >>> header_words("Amount (EUR)"), header_words("Annual Revenue (Base)"), header_words("Umsatz [T€]")
    (['amount'], ['annual', 'revenue', 'base'], ['umsatz'])
    """
    if not isinstance(text, str):
        return normalise_header(text).split()
    return normalise_header(_UNIT_BRACKET.sub(" ", text)).split()


def is_base_currency(text: Any) -> bool:
    """Whether a header names an amount in the base (company) currency.

    Examples
    --------
    >>> is_base_currency("Annual Revenue (Base)"), is_base_currency("Amount in company currency")
    (True, True)
    >>> is_base_currency("Annual Revenue")
    False
    """
    words = header_words(text)
    joined = " " + " ".join(words) + " "
    return any(f" {w} " in joined for w in BASE_CURRENCY_WORDS)


def is_id_header(text: Any) -> bool:
    """Whether a header names an identifier (record, response, customer number), not a name.

    Examples
    --------
    >>> is_id_header("Record ID"), is_id_header("ResponseId"), is_id_header("Company name")
    (True, True, False)
    """
    words = header_words(text)
    # German compounds: "Kundennummer", "Kontonummer", "Kundennr"
    return bool(set(words) & ID_WORDS) or any(w.endswith(("nummer", "nr")) and len(w) > 6 for w in words)


@dataclass(frozen=True)
class HeaderMatcher:
    """Which role each header names, for one alias table.

    Examples
    --------
    >>> ACCOUNT_HEADERS.role("Sales amount"), TRANSACTION_HEADERS.role("Sales amount")
    ('revenue', 'amount')
    >>> TRANSACTION_HEADERS.assign(["Customer", "Invoice date", "Sales amount", "Notes"])
    ({'customer': 0, 'date': 1, 'amount': 2}, [])
    >>> ACCOUNT_HEADERS.assign(["Record ID", "Company name", "Annual Revenue", "Annual Revenue (Base)"])[0]
    {'account': 1, 'revenue': 3}
    """

    aliases: Mapping[str, tuple[str, ...]]
    _exact: dict[str, str] = field(init=False, repr=False, compare=False)
    _partial: list[tuple[str, list[str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact = {}
        for role, names in self.aliases.items():
            for a in names:
                exact.setdefault(normalise_header(a).replace(" ", ""), role)
        partial = [
            (role, normalise_header(a).split())
            for role, names in self.aliases.items()
            for a in names
            if a not in EXACT_ONLY_ALIASES
        ]
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_partial", partial)

    def match(self, header: Any) -> tuple[str | None, bool]:
        """(role, exact) for one header; (None, False) when it names no role."""
        if not isinstance(header, str) or header.lstrip().startswith("{"):
            return None, False  # a JSON cell (Qualtrics' import ids) names no column
        words = header_words(header)
        role = self._exact.get("".join(words))
        if role is None and words != normalise_header(header).split():
            role = self._exact.get(normalise_header(header).replace(" ", ""))
        blocked = set(words) & NOT_REVENUE_WORDS
        if blocked and blocked <= TAX_WORDS and set(words) & EXCLUDING_WORDS:
            blocked = set()  # "Omzet excl. BTW", "Sales excluding tax", "Umsatz ohne MwSt": the net amount
        if (
            "currency" in words
            and words.index("currency") > 0
            and words[words.index("currency") - 1]
            in ("company", "base", "home", "corporate", "functional", "reporting")
        ):
            blocked -= {"currency"}  # "Amount in company currency" is the amount, in the base currency
        if blocked == {"price"} and set(words) & {"total", "extended", "net"}:
            blocked = set()  # "Total price" is what a line sold for; "Unit price" is not
        not_label = set(words) & NOT_LABEL_WORDS
        if role and not (role in _AMOUNT_ROLES and blocked) and not (role in _LABEL_ROLES and not_label):
            return role, True
        base = is_base_currency(header)
        partial = sorted(self._partial, key=lambda item: item[0] not in _AMOUNT_ROLES) if base else self._partial
        for role, alias in partial:  # "Amount in company currency" names an amount, not a company
            n = len(alias)
            if any(words[k : k + n] == alias for k in range(len(words) - n + 1)):
                if role in _AMOUNT_ROLES and blocked or role in _LABEL_ROLES and not_label:
                    continue
                return role, False
        return None, False

    def role(self, header: Any) -> str | None:
        """The role a header names, or None."""
        return self.match(header)[0]

    def rank(self, header: Any, role: str) -> int:
        """How strongly a header names its role: 0 a base-currency amount, 1 usual, 2 a weak alias
        alone ("Total", "Name") or an identifier for the account ("Record ID" loses to "Company")."""
        words = header_words(header)
        if role in _AMOUNT_ROLES and is_base_currency(header):
            return 0
        if " ".join(words) in WEAK_ALIASES or (role in _LABEL_ROLES and is_id_header(header)):
            return 2
        if not self._exact.get("".join(words)) and not any(
            " ".join(alias) not in WEAK_ALIASES
            and any(words[k : k + len(alias)] == alias for k in range(len(words) - len(alias) + 1))
            for r, alias in self._partial
            if r == role
        ):
            return 2  # named only by a weak alias inside a longer header: "Deal Name", "Grand total value"
        if role in _LABEL_ROLES and words and words[-1] == "name" and len(words) > 1 and words[0] in _OTHER_NAMES:
            return 3  # "Lineitem name", "Product name", "Tax 1 Name": a name, but not the account's
        return 1

    def assign(
        self, headers: Iterable[Any], skip: Iterable[int] = (), forced: Mapping[str, int] | None = None
    ) -> tuple[dict[str, int], list[tuple[int, str, int, bool]]]:
        """Role -> column position: ``forced`` roles first, then by :meth:`rank`, exact matches
        before partial ones, then the first column.

        Returns
        -------
        (roles, losers)
            ``losers``: (position, role, winning position, both exact and of one rank) for each
            column that named a role another column already took.
        """
        headers = list(headers)
        matches = [self.match(h) for h in headers]
        skip = set(skip)
        forced = dict(forced or {})
        roles: dict[str, int] = dict(forced)
        taken = set(forced.values())
        order = sorted(
            (self.rank(headers[j], role), not exact, j)
            for j, (role, exact) in enumerate(matches)
            if role is not None and j not in skip and j not in taken
        )
        losers = []
        for rank, _partial, j in order:
            role, exact = matches[j]
            if role in roles:
                winner = roles[role]
                same = exact and matches[winner][1] and winner not in taken and self.rank(headers[winner], role) == rank
                losers.append((j, role, winner, same))
            else:
                roles[role] = j
        return dict(sorted(roles.items(), key=lambda item: item[1])), losers

    def score(self, row: Iterable[Any]) -> int:
        """How many cells of a row name a role (the header row of a table names the most)."""
        return sum(self.role(cell) is not None for cell in row)


_AMOUNT_ROLES = frozenset({"revenue", "amount"})
_LABEL_ROLES = frozenset({"account", "customer"})
_OTHER_NAMES = frozenset(
    {
        "deal",
        "opportunity",
        "project",
        "first",
        "last",
        "lineitem",
        "line",
        "item",
        "product",
        "tax",
        "shipping",
        "discount",
        "sku",
        "variant",
        "vendor",
        "payment",
        "campaign",
        "survey",
        "collector",
        "artikel",
        "produit",
        "producto",
        "prodotto",
        "produto",
        "owner",
        "user",
        "sales",
        "rep",
        "employee",
        "location",
    }
)


ACCOUNT_HEADERS = HeaderMatcher(ACCOUNT_ALIASES)
TRANSACTION_HEADERS = HeaderMatcher(TRANSACTION_ALIASES)
REQUIRED_TRANSACTION_ROLES = ("customer", "date", "amount")


def header_score(row: Iterable[Any]) -> int:
    """Cells of a row that name a column of either list.

    Examples
    --------
    >>> header_score(["Accounts by revenue", None]), header_score(["Account", "Revenue", "GM %"])
    (1, 3)
    """
    row = list(row)
    return max(ACCOUNT_HEADERS.score(row), TRANSACTION_HEADERS.score(row))


def list_kind(header_row: Any) -> str:
    """``"transactions"`` when a header row names a customer, a date and an amount column (once
    each, no word of :data:`ACCOUNT_LIST_WORDS`), else ``"accounts"``.

    Examples
    --------
    >>> list_kind(["Customer", "Invoice date", "Sales amount"])
    'transactions'
    >>> list_kind(["Account", "Revenue", "First purchase date"]), list_kind(["Client", "Date", "Total revenue"])
    ('accounts', 'accounts')
    >>> list_kind(["Customer", "Order date", "Amount", "Annual cost to serve"])
    'transactions'
    """
    cells = list(header_row) if header_row is not None else []
    roles, losers = TRANSACTION_HEADERS.assign(cells)
    if (
        "customer" not in roles
        and cells
        and (cells[0] is None or not str(cells[0]).strip())
        and {"date", "amount"} <= set(roles)
        and any(isinstance(c, str) and c.strip() for c in cells[1:])
    ):
        # an accounting package's detail report (QuickBooks' "Sales by Customer Detail"): the customer
        # heads its rows in the first column, which has no header
        roles["customer"] = 0
    if not set(REQUIRED_TRANSACTION_ROLES) <= set(roles):
        return "accounts"
    if any(both_exact for _, role, _, both_exact in losers if role in REQUIRED_TRANSACTION_ROLES):
        return "accounts"
    # a per-customer yearly figure of an order line ("Annual cost to serve") does not make it an account list
    yearly = roles.get("cost_to_serve_per_year")
    words = {
        w
        for j, cell in enumerate(cells)
        if isinstance(cell, str) and j != yearly
        for w in normalise_header(cell).split()
    }
    layout, _ = LAYOUT_HEADERS.assign(cells)
    if is_survey(cells):
        return "accounts"  # a survey's responses: its dates say when an answer was given
    if "order" in layout or words & {"lineitem", "line"}:
        return "transactions"  # an order or invoice export: its totals are the orders', not an account's
    if any(
        isinstance(c, str) and set(header_words(c)) and set(header_words(c)) <= TAX_WORDS for c in cells
    ) and not set(header_words(cells[roles["amount"]])) & {"total", "totals"}:
        return "transactions"  # a register's net amount, its tax ("IVA", "VAT") and its total with tax: invoices
    return "accounts" if words & ACCOUNT_LIST_WORDS else "transactions"


LAYOUT_HEADERS = HeaderMatcher(LAYOUT_ALIASES)


#: Columns only a survey tool's responses have; one of them is enough, else two respondent markers.
SURVEY_IDS = frozenset({"responseid", "respondentid", "collectorid", "networkid", "responsetoken"})


def is_survey(headers: Iterable[Any]) -> bool:
    """Whether a header row is a survey tool's responses export (SurveyMonkey, Qualtrics...).

    Examples
    --------
    >>> is_survey(["Respondent ID", "Collector ID", "Company"]), is_survey(["Task", "Progress", "Owner"])
    (True, False)
    """
    headers = list(headers)
    markers = [h for h in headers if LAYOUT_HEADERS.role(h) == "respondent"]
    # Typeform heads its response token '#'; an NPS question written out ("How likely are you to recommend
    # us ...?") is a survey's column, never an account list's
    token = any(isinstance(h, str) and h.strip() == "#" for h in headers)
    question = any(ACCOUNT_HEADERS.role(h) == "nps" and len(header_words(h)) >= 5 for h in headers)
    return (
        any(normalise_header(h).replace(" ", "") in SURVEY_IDS for h in markers)
        or len(markers) >= 2
        or (bool(markers) or token)
        and (question or token and bool(markers))
    )
