"""factory-boy factories shared by the whole suite. Realistic enough to read, deterministic through sequences."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation, User
from buyers.models import RequiredCertification, Requirement, RequirementInvitation
from suppliers.models import Capability, Certification, Machine, ReadinessDiagnostic, SupplierProfile
from taxonomy.models import Category, CertificationStandard, Industry


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="es_MX")
    password = factory.django.Password("correct-horse-battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SME
    legal_name = factory.Sequence(lambda n: f"Metalmecánica Número {n} S.A.")
    country = "CR"
    city = "San José"
    size_class = Organisation.SizeClass.SMALL
    employees = 25
    women_employees = 10
    verification_status = Organisation.VerificationStatus.VERIFIED


class SmeFactory(OrganisationFactory):
    kind = Organisation.Kind.SME


class BuyerFactory(OrganisationFactory):
    kind = Organisation.Kind.MNC
    legal_name = factory.Sequence(lambda n: f"Global Devices {n} Inc.")
    size_class = Organisation.SizeClass.LARGE
    employees = 1200
    women_employees = 500


class AgencyFactory(OrganisationFactory):
    kind = Organisation.Kind.AGENCY
    legal_name = factory.Sequence(lambda n: f"Agencia de Promoción {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(SmeFactory)
    role = Membership.Role.OWNER


def _member_of(org_factory, role=Membership.Role.OWNER):
    @factory.post_generation
    def membership(user, create, extracted, **kwargs):
        if create:
            MembershipFactory(user=user, organisation=extracted or org_factory(), role=role)

    return membership


class SmeOwnerFactory(UserFactory):
    membership = _member_of(SmeFactory)


class BuyerOwnerFactory(UserFactory):
    membership = _member_of(BuyerFactory)


class AgencyStaffFactory(UserFactory):
    membership = _member_of(AgencyFactory, role=Membership.Role.MEMBER)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(SmeFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.com")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("scheme", "code")

    scheme = "CPV"
    code = factory.Sequence(lambda n: f"{44000000 + n * 1000:08d}")
    name_en = factory.Sequence(lambda n: f"Fabricated metal products {n}")
    name_es = factory.Sequence(lambda n: f"Productos metálicos {n}")
    level = 1
    lineage = factory.LazyAttribute(lambda o: f"/{o.code}/")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = "2599"
    name_en = "Manufacture of other fabricated metal products n.e.c."
    name_es = "Fabricación de otros productos elaborados de metal n.c.p."
    level = Industry.Level.CLASS


class CertificationStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationStandard
        django_get_or_create = ("code",)

    code = "iso-9001"
    name = "ISO 9001"
    issuing_body = "ISO"


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierProfile
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(SmeFactory)
    summary = "Mecanizado CNC de precisión, torneado y fresado para la industria médica."
    published = True
    verification_status = "verified"


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability

    profile = factory.SubFactory(SupplierProfileFactory)
    category = factory.SubFactory(CategoryFactory)
    description = "Mecanizado CNC de piezas de acero inoxidable y titanio con tolerancias de ±0,01 mm."
    language = "es"
    keywords = factory.LazyFunction(lambda: ["cnc", "acero inoxidable", "titanio"])
    monthly_capacity = Decimal("20000")
    capacity_unit = "pieces"
    lead_time_days = 21
    minimum_order = Decimal("500")


class MachineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Machine

    profile = factory.SubFactory(SupplierProfileFactory)
    name = "CNC 5-axis machining centre"
    quantity = 2
    manufacturer = "Haas UMC-750"
    year = 2019


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    profile = factory.SubFactory(SupplierProfileFactory)
    standard = factory.SubFactory(CertificationStandardFactory)
    number = factory.Sequence(lambda n: f"CR-QMS-{n:05d}")
    certifying_body = "INTECO"
    scope = "Machining of metal parts"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=730))


class ReadinessDiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadinessDiagnostic

    profile = factory.SubFactory(SupplierProfileFactory)
    environmental_management = 3
    information_systems = 3
    infrastructure = 4
    innovation = 2
    managerial_capital = 3
    investment = 3
    marketing = 2
    production_capacity = 4


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    buyer = factory.SubFactory(BuyerFactory)
    title = factory.Sequence(lambda n: f"Machined titanium components, lot {n}")
    specification = "Titanium Grade 5 machined parts for orthopaedic implants, ISO 13485 supplier."
    quantity = Decimal("10000")
    unit = "pieces"
    estimated_annual_value = Decimal("250000")
    currency = "USD"
    delivery_country = "CR"
    delivery_city = "Cartago"
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=120))
    status = Requirement.Status.OPEN
    visibility = Requirement.Visibility.PUBLIC


class RequiredCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredCertification

    requirement = factory.SubFactory(RequirementFactory)
    standard = factory.SubFactory(CertificationStandardFactory)
    mandatory = True


class RequirementInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementInvitation

    requirement = factory.SubFactory(RequirementFactory)
    supplier = factory.SubFactory(SupplierProfileFactory)


# -- marketplace (responses and clarifications) ----------------------------------------------------------------------


class ResponseFactory(factory.django.DjangoModelFactory):
    """A live quote, written directly (tests of the services go through ``marketplace.services``)."""

    class Meta:
        model = "marketplace.Response"

    requirement = factory.SubFactory(RequirementFactory)
    supplier = factory.SubFactory(SupplierProfileFactory)
    kind = "quote"
    price = Decimal("12.50")
    currency = "USD"
    unit = "piece"
    lead_time_days = 30
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class ClarificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "marketplace.Clarification"

    requirement = factory.SubFactory(RequirementFactory)
    asked_by_supplier = factory.SubFactory(SupplierProfileFactory)
    question = "May the parts be delivered in two lots?"
    asked_at = factory.LazyFunction(timezone.now)


# -- demand forecasts (forecasts app) --------------------------------------------------------------------------------

from forecasts.models import DemandForecast, ForecastInterest, ForecastVolume  # noqa: E402


class DemandForecastFactory(factory.django.DjangoModelFactory):
    """A published, public forecast for the next three years with a volume each year (``categories=[...]`` to set
    its categories)."""

    class Meta:
        model = DemandForecast
        skip_postgeneration_save = True

    buyer = factory.SubFactory(BuyerFactory)
    title = factory.Sequence(lambda n: f"Machined titanium parts, 2027–2029 plan {n}")
    description = "Titanium grade 5 machined parts for orthopaedic implants; volumes grow with the new plant."
    delivery_country = "CR"
    start_year = factory.LazyFunction(lambda: timezone.localdate().year + 1)
    end_year = factory.LazyFunction(lambda: timezone.localdate().year + 3)
    confidence = "medium"
    local_share_target = Decimal("40")
    status = DemandForecast.Status.PUBLISHED
    visibility = DemandForecast.Visibility.PUBLIC
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def categories(forecast, create, extracted, **kwargs):
        if create and extracted:
            forecast.categories.set(extracted)

    @factory.post_generation
    def volumes(forecast, create, extracted, **kwargs):
        if not create:
            return
        quantities = extracted if extracted is not None else [10000, 15000, 20000]
        for offset, quantity in enumerate(quantities):
            ForecastVolume.objects.create(
                forecast=forecast,
                year=forecast.start_year + offset,
                quantity=Decimal(quantity),
                unit="pieces",
                estimated_value=Decimal(quantity) * 25,
                currency="USD",
            )


class ForecastInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForecastInterest

    forecast = factory.SubFactory(DemandForecastFactory)
    supplier = factory.SubFactory(SupplierProfileFactory)
    capacity_quantity = Decimal("5000")
    capacity_unit = "pieces"
    investment_amount = Decimal("120000")
    investment_currency = "USD"
    investment_purpose = "A second 5-axis machining centre"
    from_year = factory.LazyAttribute(lambda o: o.forecast.start_year)
