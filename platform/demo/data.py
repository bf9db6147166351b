"""Vocabularies for the demo: places, sectors, buyers and requirement templates modelled on real programmes."""

# (city, region, latitude, longitude) per country; the first city is the most likely.
CITIES = {
    "CR": [
        ("San José", "San José", 9.9281, -84.0907),
        ("Cartago", "Cartago", 9.8644, -83.9194),
        ("Heredia", "Heredia", 9.9989, -84.1170),
        ("Alajuela", "Alajuela", 10.0163, -84.2116),
        ("Liberia", "Guanacaste", 10.6346, -85.4407),
        ("Puntarenas", "Puntarenas", 9.9763, -84.8384),
    ],
    "SV": [
        ("San Salvador", "San Salvador", 13.6929, -89.2182),
        ("Santa Ana", "Santa Ana", 13.9942, -89.5597),
        ("San Miguel", "San Miguel", 13.4833, -88.1833),
        ("Soyapango", "San Salvador", 13.7347, -89.1514),
    ],
    "MX": [
        ("Querétaro", "Querétaro", 20.5888, -100.3899),
        ("Guadalajara", "Jalisco", 20.6597, -103.3496),
        ("Monterrey", "Nuevo León", 25.6866, -100.3161),
        ("Saltillo", "Coahuila", 25.4232, -101.0053),
        ("Puebla", "Puebla", 19.0414, -98.2063),
        ("León", "Guanajuato", 21.1250, -101.6860),
        ("Tijuana", "Baja California", 32.5149, -117.0382),
    ],
    "CL": [
        ("Santiago", "Región Metropolitana", -33.4489, -70.6693),
        ("Antofagasta", "Antofagasta", -23.6509, -70.3975),
        ("Concepción", "Biobío", -36.8201, -73.0444),
        ("Valparaíso", "Valparaíso", -33.0472, -71.6127),
        ("Calama", "Antofagasta", -22.4544, -68.9294),
    ],
    "PE": [
        ("Lima", "Lima", -12.0464, -77.0428),
        ("Arequipa", "Arequipa", -16.4090, -71.5375),
        ("Trujillo", "La Libertad", -8.1091, -79.0215),
        ("Callao", "Callao", -12.0566, -77.1181),
    ],
    "CO": [
        ("Bogotá", "Cundinamarca", 4.7110, -74.0721),
        ("Medellín", "Antioquia", 6.2442, -75.5812),
        ("Cali", "Valle del Cauca", 3.4516, -76.5320),
        ("Barranquilla", "Atlántico", 10.9685, -74.7813),
    ],
    "BR": [
        ("São Paulo", "São Paulo", -23.5505, -46.6333),
        ("Curitiba", "Paraná", -25.4284, -49.2733),
        ("Belo Horizonte", "Minas Gerais", -19.9167, -43.9345),
        ("Campinas", "São Paulo", -22.9099, -47.0626),
        ("Joinville", "Santa Catarina", -26.3045, -48.8487),
    ],
}
# How many of the SMEs each country gets (sums to 1).
COUNTRY_WEIGHTS = {"CR": 0.26, "SV": 0.12, "MX": 0.2, "CL": 0.1, "PE": 0.1, "CO": 0.1, "BR": 0.12}
LEGAL_SUFFIX = {
    "CR": "S.A.",
    "SV": "S.A. de C.V.",
    "MX": "S.A. de C.V.",
    "CL": "SpA",
    "PE": "S.A.C.",
    "CO": "S.A.S.",
    "BR": "Ltda.",
}
# The demo's people (owners, buyers' staff): given names and surnames common in each country; a person is a given
# name and two surnames (father's, then mother's), as names are written across Latin America (Brazil: mother's, then
# father's, which reads the same).
# fmt: off
GIVEN_NAMES = {
    "CR": ["María José", "Sofía", "Valeria", "Daniela", "Ana Lucía", "Carlos", "José Pablo", "Andrés", "Luis Diego", "Esteban", "Fernanda", "Mauricio", "Adriana", "Rodrigo", "Gabriela", "Alejandro"],
    "SV": ["Ana María", "Karla", "Gabriela", "Claudia", "Silvia", "José Roberto", "Carlos Ernesto", "Mario", "Francisco", "Óscar", "Jorge Alberto", "Roxana", "Ricardo", "Verónica", "Salvador", "Patricia"],
    "MX": ["Guadalupe", "Mariana", "Ximena", "Fernanda", "Alejandra", "Juan Carlos", "José Luis", "Miguel Ángel", "Jesús", "Francisco Javier", "Diego", "Regina", "Arturo", "Paola", "Rodrigo", "Itzel"],
    "CL": ["Constanza", "Catalina", "Javiera", "Francisca", "Valentina", "Matías", "Sebastián", "Benjamín", "Cristóbal", "Felipe", "Ignacio", "Camila", "Rodrigo", "Macarena", "Gonzalo", "Daniela"],
    "PE": ["Rosa", "Milagros", "Lucía", "Carmen", "Fiorella", "Luis", "Jorge", "César", "Renzo", "Martín", "Giancarlo", "Kiara", "Víctor", "Maricielo", "Raúl", "Andrea"],
    "CO": ["Luz Marina", "Natalia", "Paula Andrea", "Diana", "Juliana", "Andrés Felipe", "Juan David", "Santiago", "Camilo", "Julián", "Jhon Jairo", "Valentina", "Sergio", "Catalina", "Mauricio", "Laura"],
    "BR": ["Ana Paula", "Juliana", "Fernanda", "Camila", "Mariana", "João Pedro", "Lucas", "Rafael", "Thiago", "Gustavo", "Bruno", "Larissa", "Felipe", "Patrícia", "Rodrigo", "Beatriz"],
}
SURNAMES = {
    "CR": ["Rodríguez", "Vargas", "Jiménez", "Mora", "Rojas", "Solís", "Quesada", "Chaves", "Alfaro", "Araya", "Calderón", "Brenes", "Céspedes", "Villalobos", "Zúñiga", "Arias"],
    "SV": ["Hernández", "Martínez", "López", "Portillo", "Rivas", "Flores", "Alvarado", "Escobar", "Méndez", "Orellana", "Mejía", "Ayala", "Guevara", "Castaneda", "Quintanilla", "Pineda"],
    "MX": ["García", "Hernández", "Martínez", "López", "González", "Pérez", "Sánchez", "Ramírez", "Flores", "Cruz", "Morales", "Reyes", "Gutiérrez", "Mendoza", "Ortiz", "Castillo"],
    "CL": ["González", "Muñoz", "Rojas", "Díaz", "Soto", "Contreras", "Silva", "Sepúlveda", "Morales", "Fuentes", "Valenzuela", "Araya", "Tapia", "Figueroa", "Cortés", "Espinoza"],
    "PE": ["Quispe", "Flores", "Sánchez", "Rodríguez", "Huamán", "Mamani", "Chávez", "Ramos", "Torres", "Vásquez", "Mendoza", "Castillo", "Paredes", "Salazar", "Gutiérrez", "Rojas"],
    "CO": ["Rodríguez", "Gómez", "Martínez", "López", "Restrepo", "Ramírez", "Cárdenas", "Ospina", "Castaño", "Moreno", "Jaramillo", "Vargas", "Zapata", "Muñoz", "Londoño", "Salazar"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Ferreira", "Costa", "Almeida", "Carvalho", "Ribeiro", "Rodrigues", "Gomes", "Martins", "Araújo", "Barbosa"],
}
# fmt: on
EXPORT_MARKETS = ["US", "GT", "HN", "NI", "PA", "CA", "DE", "ES", "MX", "CO", "CR", "CL", "PE"]

CERTIFYING_BODIES = {
    "CR": ["INTECO", "SGS", "Bureau Veritas", "BSI"],
    "SV": ["SGS", "Bureau Veritas", "ICONTEC"],
    "MX": ["IMNC", "SGS", "TÜV Rheinland", "Bureau Veritas", "DQS"],
    "CL": ["SGS", "Bureau Veritas", "AENOR"],
    "PE": ["SGS", "Bureau Veritas", "Cotecna"],
    "CO": ["ICONTEC", "SGS", "Bureau Veritas"],
    "BR": ["BRTÜV", "SGS", "Bureau Veritas", "DNV"],
}

# Each sector: name stems, an ISIC class, capability texts per language as (CPV code, text with {material}),
# materials and keywords per language (so a text never mixes languages), capacity units, machines and
# likely certifications.
SECTORS = {
    "metal": {
        "weight": 0.2,
        "stems": {
            "es": ["Metalmecánica", "Mecanizados", "Precisión Industrial", "Maestranza", "Tornería"],
            "pt": ["Usinagem", "Metalúrgica", "Precisão Industrial", "Ferramentaria"],
        },
        "isic": "2592",
        "texts": {
            "es": [
                (
                    "42600000",
                    "Mecanizado CNC de piezas en {material} con tolerancias de ±0,01 mm, torneado y fresado de 5 ejes.",
                ),
                ("44210000", "Fabricación de estructuras metálicas soldadas en {material}, corte láser y doblez CNC."),
                (
                    "33190000",
                    "Maquinado de componentes de {material} para dispositivos médicos e implantes, con trazabilidad por lote.",
                ),
                ("34320000", "Troquelado y estampado de piezas de {material} para la industria automotriz."),
            ],
            "pt": [
                (
                    "42600000",
                    "Usinagem CNC de peças em {material} com tolerâncias de ±0,01 mm, torneamento e fresamento.",
                ),
                ("34320000", "Estampagem e corte a laser de chapas de {material} para a indústria automotiva."),
                ("43100000", "Fabricação de componentes usinados em {material} para equipamentos de mineração."),
            ],
            "en": [
                ("34730000", "CNC machining of {material} parts to ±0.01 mm, 5-axis milling and Swiss-type turning."),
                (
                    "44210000",
                    "Precision sheet-metal fabrication in {material}: laser cutting, CNC bending and TIG welding.",
                ),
            ],
        },
        "materials": {
            "es": ["acero inoxidable 316L", "aluminio 6061", "titanio grado 5", "acero al carbono", "latón"],
            "pt": ["aço inoxidável 316L", "alumínio 6061", "titânio grau 5", "aço carbono"],
            "en": ["316L stainless steel", "6061 aluminium", "grade 5 titanium", "carbon steel", "brass"],
        },
        "keywords": {
            "es": ["CNC", "torneado", "fresado", "mecanizado", "soldadura", "corte láser"],
            "pt": ["CNC", "usinagem", "torneamento", "fresamento", "estampagem"],
            "en": ["CNC", "machining", "milling", "turning", "welding"],
        },
        "unit": "pieces",
        "capacity": (5_000, 200_000),
        "machines": [
            ("Centro de mecanizado CNC 5 ejes", "Haas UMC-750"),
            ("Torno CNC", "Mazak QT-250"),
            ("Cortadora láser de fibra", "Trumpf TruLaser 3030"),
            ("Máquina de medición por coordenadas", "Zeiss Contura"),
            ("Torno suizo", "Citizen L20"),
            ("Plegadora CNC", "Amada HFE 100"),
        ],
        "certs": ["iso-9001", "iso-13485", "iatf-16949", "as9100", "iso-14001"],
    },
    "plastics": {
        "weight": 0.14,
        "stems": {
            "es": ["Plásticos", "Inyección Plástica", "Polímeros", "Moldeados"],
            "pt": ["Plásticos", "Injeção Plástica", "Polímeros"],
        },
        "isic": "2220",
        "texts": {
            "es": [
                ("19520000", "Inyección de piezas plásticas en {material} de 50 a 650 toneladas, con moldes propios."),
                (
                    "33140000",
                    "Extrusión de tubería y perfiles en {material}; sala limpia ISO 8 para componentes médicos.",
                ),
                ("19520000", "Soplado de envases de {material} de 100 ml a 20 l."),
            ],
            "pt": [
                ("19520000", "Injeção de peças plásticas em {material}, máquinas de 80 a 500 toneladas."),
                ("34300000", "Extrusão de perfis e tubos em {material} para a indústria automotiva."),
            ],
            "en": [
                ("33140000", "Injection moulding of {material} components in an ISO 7 clean room for medical devices."),
                ("19520000", "Blow moulding of {material} bottles and technical parts."),
            ],
        },
        "materials": {
            "es": ["polipropileno (PP)", "ABS", "policarbonato", "PEAD", "PVC grado médico", "nylon 6/6"],
            "pt": ["polipropileno (PP)", "ABS", "policarbonato", "PEAD", "náilon 6/6"],
            "en": ["polypropylene", "ABS", "medical-grade polycarbonate", "HDPE", "nylon 6/6"],
        },
        "keywords": {
            "es": ["inyección", "moldeo", "plástico", "sala limpia", "extrusión"],
            "pt": ["injeção", "moldagem", "plástico", "extrusão"],
            "en": ["injection moulding", "plastics", "clean room", "blow moulding"],
        },
        "unit": "pieces",
        "capacity": (20_000, 2_000_000),
        "machines": [
            ("Inyectora", "Engel victory 200"),
            ("Inyectora", "Arburg Allrounder 470"),
            ("Sopladora", "Jomar 65"),
            ("Extrusora", "Battenfeld-Cincinnati"),
        ],
        "certs": ["iso-9001", "iso-13485", "iatf-16949", "iso-14001"],
    },
    "packaging": {
        "weight": 0.12,
        "stems": {"es": ["Empaques", "Envases", "Cartonajes", "Embalajes"], "pt": ["Embalagens", "Cartonagem"]},
        "isic": "1702",
        "texts": {
            "es": [
                ("44600000", "Cajas de cartón corrugado de {material}, impresas en flexografía hasta 4 colores."),
                (
                    "19520000",
                    "Termoformado de blísteres y bandejas en {material} para dispositivos médicos y alimentos.",
                ),
                ("22900000", "Etiquetas autoadhesivas y mangas termoencogibles para envases de {material}."),
            ],
            "pt": [
                ("44600000", "Caixas de papelão ondulado em {material}, impressão flexográfica em até 4 cores."),
                ("19520000", "Embalagens termoformadas em {material} para alimentos."),
            ],
            "en": [
                (
                    "19520000",
                    "Thermoformed {material} clamshell and blister packaging, sealed trays for sterile devices.",
                ),
                ("44600000", "Corrugated shipping boxes in {material}, die-cut inserts and pallets."),
            ],
        },
        "materials": {
            "es": ["onda B y C", "PET", "PETG", "cartón microcorrugado", "200 lb"],
            "pt": ["onda B e C", "PET", "papelão kraft", "microondulado"],
            "en": ["PET", "PETG", "Tyvek-lidded PETG", "200 lb test board"],
        },
        "keywords": {
            "es": ["empaque", "cartón", "corrugado", "termoformado", "blíster"],
            "pt": ["embalagem", "papelão", "ondulado", "termoformagem"],
            "en": ["packaging", "corrugated", "thermoforming", "blister"],
        },
        "unit": "units",
        "capacity": (50_000, 3_000_000),
        "machines": [
            ("Corrugadora", "BHS"),
            ("Impresora flexográfica", "Bobst"),
            ("Termoformadora", "Illig RDM"),
            ("Troqueladora", "Heidelberg"),
        ],
        "certs": ["iso-9001", "brcgs-packaging", "fsc", "iso-14001"],
    },
    "printing": {
        "weight": 0.07,
        "stems": {"es": ["Artes Gráficas", "Impresos", "Litografía"], "pt": ["Gráfica", "Artes Gráficas"]},
        "isic": "1811",
        "texts": {
            "es": [
                ("79810000", "Impresión offset y digital de {material}, acabados con barniz UV y encuadernación."),
                ("22460000", "Manuales técnicos, instructivos multilingües e insertos farmacéuticos en {material}."),
            ],
            "pt": [("79810000", "Impressão offset e digital de {material}, acabamento e encadernação.")],
            "en": [
                (
                    "22460000",
                    "Offset and digital printing of {material}; multilingual instruction leaflets for devices.",
                )
            ],
        },
        "materials": {
            "es": ["catálogos", "etiquetas", "manuales técnicos", "folletos en papel couché"],
            "pt": ["catálogos", "rótulos", "folhetos", "manuais técnicos"],
            "en": ["catalogues", "labels", "technical manuals", "leaflets"],
        },
        "keywords": {
            "es": ["impresión", "offset", "digital", "etiquetas"],
            "pt": ["impressão", "offset", "digital", "rótulos"],
            "en": ["printing", "offset", "digital", "labels"],
        },
        "unit": "units",
        "capacity": (10_000, 1_000_000),
        "machines": [("Prensa offset 4 colores", "Heidelberg Speedmaster"), ("Impresora digital", "HP Indigo 7900")],
        "certs": ["iso-9001", "fsc"],
    },
    "logistics": {
        "weight": 0.12,
        "stems": {"es": ["Logística", "Transportes", "Carga y Almacenaje"], "pt": ["Logística", "Transportes"]},
        "isic": "4923",
        "texts": {
            "es": [
                ("60100000", "Transporte de carga refrigerada 2–8 °C y congelada con monitoreo GPS, rutas {material}."),
                ("63120000", "Almacenaje fiscal y distribución desde zona franca, {material}."),
                ("64120000", "Servicio de mensajería y entregas urgentes {material}."),
            ],
            "pt": [("60100000", "Transporte rodoviário de cargas {material}, rastreamento GPS e seguro.")],
            "en": [
                ("60100000", "Temperature-controlled road freight {material}, GPS-tracked, with customs brokerage.")
            ],
        },
        "materials": {
            "es": [
                "San José–Puerto Caldera",
                "Ciudad de México–Querétaro",
                "Santiago–Antofagasta",
                "Lima–Arequipa",
                "nacionales y centroamericanas",
            ],
            "pt": ["São Paulo–Curitiba", "Campinas–Santos", "nacionais e para o Mercosul"],
            "en": ["between free zones and ports", "across Central America", "from the port to the plant"],
        },
        "keywords": {
            "es": ["transporte", "logística", "refrigerado", "almacenaje", "cadena de frío"],
            "pt": ["transporte rodoviário", "logística", "armazenagem"],
            "en": ["freight", "logistics", "cold chain", "warehousing"],
        },
        "unit": "shipments",
        "capacity": (200, 8_000),
        "machines": [
            ("Camión refrigerado", "Freightliner M2"),
            ("Montacargas", "Toyota 8FGU25"),
            ("Tractocamión", "Kenworth T680"),
        ],
        "certs": ["iso-9001", "c-tpat-basc", "iso-45001"],
    },
    "dairy": {
        "weight": 0.09,
        "stems": {"es": ["Lácteos", "Productos Lácteos", "Quesera"], "pt": ["Laticínios", "Queijaria"]},
        "isic": "1050",
        "texts": {
            "es": [
                (
                    "15500000",
                    "Elaboración de {material} pasteurizados para servicios de alimentación y cafeterías industriales.",
                ),
                ("15550000", "Producción de {material} con cadena de frío y registro sanitario vigente."),
            ],
            "pt": [("15500000", "Produção de {material} com controle de qualidade e cadeia de frio.")],
            "en": [("15500000", "Production of {material} for industrial catering, HACCP plan and cold chain.")],
        },
        "materials": {
            "es": ["quesos frescos y madurados", "leche y natilla", "yogur", "postres lácteos"],
            "pt": ["queijos", "manteiga", "iogurte", "leite pasteurizado"],
            "en": ["fresh and aged cheeses", "yoghurt", "dairy desserts", "pasteurised milk"],
        },
        "keywords": {
            "es": ["lácteos", "queso", "leche", "pasteurizado"],
            "pt": ["laticínios", "queijo", "leite"],
            "en": ["dairy", "cheese", "milk", "pasteurised"],
        },
        "unit": "kg",
        "capacity": (5_000, 300_000),
        "machines": [("Pasteurizador de placas", "Tetra Pak"), ("Tina quesera", "Alpma"), ("Envasadora", "Serac")],
        "certs": ["haccp", "fssc-22000", "iso-22000", "gmp"],
    },
    "chemicals": {
        "weight": 0.09,
        "stems": {
            "es": ["Química", "Químicos Industriales", "Soluciones Químicas"],
            "pt": ["Química", "Produtos Químicos"],
        },
        "isic": "2023",
        "texts": {
            "es": [
                (
                    "39830000",
                    "Formulación de {material} para limpieza industrial y sanitización en plantas de alimentos.",
                ),
                ("24900000", "Fabricación de {material} a granel y en envases de 1 a 1.000 litros."),
            ],
            "pt": [("39830000", "Formulação de {material} para limpeza industrial.")],
            "en": [
                (
                    "24900000",
                    "Blending of {material} to customer specification, with safety data sheets in three languages.",
                )
            ],
        },
        "materials": {
            "es": ["detergentes alcalinos", "desinfectantes", "adhesivos industriales", "pinturas epóxicas"],
            "pt": ["desengraxantes", "detergentes industriais", "adesivos"],
            "en": ["lubricants and coolants", "industrial adhesives", "epoxy coatings"],
        },
        "keywords": {
            "es": ["químicos", "limpieza", "detergente", "adhesivos"],
            "pt": ["química", "limpeza", "detergente"],
            "en": ["chemicals", "cleaning", "adhesives"],
        },
        "unit": "litres",
        "capacity": (10_000, 500_000),
        "machines": [("Reactor de mezcla", "Inoxpa"), ("Llenadora volumétrica", "Krones")],
        "certs": ["iso-9001", "iso-14001", "gmp"],
    },
    "services": {
        "weight": 0.17,
        "stems": {
            "es": ["Servicios Industriales", "Mantenimiento", "Soluciones", "Ingeniería"],
            "pt": ["Serviços Industriais", "Manutenção", "Engenharia"],
        },
        "isic": "3312",
        "texts": {
            "es": [
                (
                    "50530000",
                    "Mantenimiento preventivo y correctivo de {material}, contratos con tiempo de respuesta de 4 horas.",
                ),
                ("90910000", "Limpieza industrial de {material} con personal certificado."),
                ("80500000", "Capacitación en {material} para personal de planta."),
            ],
            "pt": [("50530000", "Manutenção preventiva e corretiva de {material}.")],
            "en": [
                ("50530000", "Preventive maintenance of {material}; 24/7 on-call technicians."),
                ("72000000", "Software development and support for {material}."),
            ],
        },
        "materials": {
            "es": [
                "compresores y sistemas neumáticos",
                "salas limpias",
                "sistemas de aire acondicionado",
                "lean manufacturing e ISO 9001",
                "equipos de producción",
            ],
            "pt": ["compressores", "salas limpas", "sistemas de ar-condicionado", "equipamentos de produção"],
            "en": ["compressed-air systems", "clean rooms", "HVAC systems", "manufacturing execution systems"],
        },
        "keywords": {
            "es": ["mantenimiento", "limpieza", "capacitación", "ingeniería"],
            "pt": ["manutenção", "limpeza", "treinamento"],
            "en": ["maintenance", "cleaning", "training", "engineering"],
        },
        "unit": "hours",
        "capacity": (500, 10_000),
        "machines": [("Vehículo de servicio", "Toyota Hilux"), ("Analizador de vibraciones", "Fluke 810")],
        "certs": ["iso-9001", "iso-45001", "iso-27001"],
    },
}

NAME_WORDS = [
    "del Valle",
    "Central",
    "Pacífico",
    "Andina",
    "Atlántico",
    "Norte",
    "del Sur",
    "Continental",
    "Horizonte",
    "Cordillera",
    "Volcán",
    "Las Palmas",
    "San Rafael",
    "La Unión",
    "Santa Rosa",
    "Montecristo",
    "Río Claro",
    "El Roble",
    "Alianza",
    "Progreso",
    "Nova",
    "Vale Verde",
    "Serra Azul",
    "Boa Vista",
    "Primavera",
    "Ceiba",
    "Guayacán",
    "Cóndor",
    "Quetzal",
    "Jaguar",
    "Colibrí",
    "Orión",
]

# Buyers (fictional names, real kinds of affiliates): sector, country, city index, trade name, legal name.
BUYERS = [
    ("medical", "CR", 1, "Orthovia Medical", "Orthovia Medical Costa Rica Ltda."),
    ("medical", "CR", 2, "Cardiolink Devices", "Cardiolink Devices de Costa Rica S.R.L."),
    ("medical", "CR", 3, "Sterimed Systems", "Sterimed Systems Costa Rica S.A."),
    ("electronics", "MX", 1, "Voltana Electronics", "Voltana Electronics México S. de R.L. de C.V."),
    ("electronics", "CR", 0, "Micronex Semiconductor", "Micronex Semiconductor Costa Rica S.A."),
    ("automotive", "MX", 0, "Hanil Autoparts", "Hanil Autoparts México S.A. de C.V."),
    ("automotive", "MX", 3, "Daewon Seating", "Daewon Seating Systems Coahuila S.A. de C.V."),
    ("automotive", "BR", 1, "Motrix Automotive", "Motrix Automotive do Brasil Ltda."),
    ("aerospace", "MX", 0, "Aerolux Components", "Aerolux Components Querétaro S.A. de C.V."),
    ("aerospace", "CR", 3, "Skyward Aerostructures", "Skyward Aerostructures Costa Rica S.A."),
    ("food", "SV", 0, "Nutriandes Foods", "Nutriandes Foods El Salvador S.A. de C.V."),
    ("food", "CL", 0, "Lácteos del Sur Global", "Global Dairy Lácteos del Sur SpA"),
    ("mining", "CL", 1, "Kumsan Copper", "Kumsan Copper Chile SpA"),
    ("mining", "PE", 1, "Posung Minerals", "Posung Minerals Perú S.A.C."),
]

# Requirement templates per buyer sector: (language, title, specification, CPV codes, [(standard, mandatory)],
# quantity, unit, annual value in USD).
REQUIREMENTS = {
    "medical": [
        (
            "es",
            "Mecanizado de componentes de titanio grado 5 para implantes ortopédicos",
            "Piezas torneadas y fresadas en titanio Ti-6Al-4V ELI (ASTM F136), tolerancias ±0,01 mm, rugosidad Ra 0,8, "
            "trazabilidad por lote y certificado de material. Validación IQ/OQ/PQ del proceso.",
            ["42600000", "33190000"],
            [("iso-13485", True), ("iso-9001", False)],
            24000,
            "pieces",
            480000,
        ),
        (
            "en",
            "Sterile barrier thermoformed trays",
            "PETG thermoformed trays with Tyvek lid stock for EtO-sterilised "
            "catheters, ISO 11607 validated sealing, clean-room packaging.",
            ["19520000", "44600000"],
            [("iso-13485", True), ("iso-14001", False)],
            300000,
            "units",
            210000,
        ),
        (
            "es",
            "Inyección de componentes en policarbonato grado médico",
            "Carcasas y conectores en policarbonato "
            "grado médico, moldes de 8 cavidades, sala limpia ISO 8, inspección dimensional al 100 %.",
            ["19520000", "33140000"],
            [("iso-13485", True)],
            500000,
            "pieces",
            350000,
        ),
        (
            "en",
            "Multilingual instructions for use (IFU) printing",
            "Folded IFU leaflets in 12 languages, 40 g/m² bible paper, variable data and lot coding, 10-day lead time.",
            ["22460000", "79810000"],
            [("iso-9001", True)],
            800000,
            "units",
            90000,
        ),
        (
            "es",
            "Transporte refrigerado 2–8 °C San José–Puerto Caldera",
            "Servicio de transporte de producto "
            "terminado en cadena de frío, monitoreo continuo de temperatura, seguridad BASC.",
            ["60100000", "63120000"],
            [("c-tpat-basc", True), ("iso-9001", False)],
            400,
            "shipments",
            260000,
        ),
    ],
    "electronics": [
        (
            "en",
            "Cable harness assembly",
            "Wire harnesses and cable assemblies to IPC/WHMA-A-620 Class 2, crimp pull testing, 100 % electrical test.",
            ["31300000", "31700000"],
            [("iso-9001", True), ("ul", False)],
            60000,
            "pieces",
            320000,
        ),
        (
            "es",
            "Piezas de lámina metálica para gabinetes electrónicos",
            "Gabinetes en acero galvanizado calibre 16, corte láser, doblez, pintura en polvo RAL 7035.",
            ["44210000", "31200000"],
            [("iso-9001", True)],
            15000,
            "pieces",
            275000,
        ),
        (
            "es",
            "Bandejas ESD termoformadas",
            "Bandejas antiestáticas para componentes electrónicos, resistencia superficial 10⁶–10⁹ Ω, apilables.",
            ["19520000"],
            [("iso-9001", True), ("rohs", False)],
            200000,
            "units",
            120000,
        ),
        (
            "en",
            "Preventive maintenance of compressed-air systems",
            "Quarterly maintenance of screw compressors and dryers, leak surveys, 4-hour response time.",
            ["50530000"],
            [("iso-45001", False)],
            1200,
            "hours",
            60000,
        ),
    ],
    "automotive": [
        (
            "es",
            "Estampado de soportes metálicos para asientos",
            "Soportes en acero HSLA troquelados, soldadura por proyección, PPAP nivel 3, capacidad 40.000 piezas/mes.",
            ["34320000", "44530000"],
            [("iatf-16949", True), ("iso-14001", False)],
            480000,
            "pieces",
            900000,
        ),
        (
            "es",
            "Inyección de clips y sujetadores plásticos",
            "Clips en poliamida PA66 GF30, moldes multicavidad, PPAP, entregas JIT semanales.",
            ["19520000", "34300000"],
            [("iatf-16949", True)],
            2000000,
            "pieces",
            400000,
        ),
        (
            "pt",
            "Usinagem de componentes de motor",
            "Usinagem CNC de carcaças em alumínio, controle estatístico de processo (CEP), PPAP nível 3.",
            ["34310000", "42600000"],
            [("iatf-16949", True)],
            90000,
            "pieces",
            750000,
        ),
        (
            "es",
            "Cajas retornables y empaque de protección",
            "Cajas plásticas retornables y separadores de cartón para piezas pintadas.",
            ["44600000", "19520000"],
            [("iso-9001", True)],
            20000,
            "units",
            140000,
        ),
        (
            "es",
            "Servicio de limpieza industrial en planta",
            "Limpieza industrial de áreas de producción y pintura, tres turnos, personal con protocolos de seguridad.",
            ["90910000"],
            [("iso-45001", True)],
            8000,
            "hours",
            110000,
        ),
    ],
    "aerospace": [
        (
            "en",
            "Precision machined aluminium brackets",
            "7075-T7351 aluminium brackets, 5-axis machining, first "
            "article inspection to AS9102, NADCAP anodising preferred.",
            ["34730000", "42600000"],
            [("as9100", True), ("iso-14001", False)],
            12000,
            "pieces",
            620000,
        ),
        (
            "es",
            "Tratamiento superficial y pintura de piezas aeronáuticas",
            "Pintura con primer epóxico y acabado poliuretano según especificación del cliente.",
            ["44810000", "34730000"],
            [("as9100", True)],
            8000,
            "pieces",
            180000,
        ),
        (
            "en",
            "Cutting tools regrinding service",
            "Regrinding and recoating of carbide end mills and drills, 5-day turnaround.",
            ["50530000", "44500000"],
            [("iso-9001", True)],
            3000,
            "units",
            70000,
        ),
    ],
    "food": [
        (
            "es",
            "Suministro de quesos para servicio de alimentación",
            "Queso fresco y madurado en presentaciones de 1 kg y 5 kg, registro sanitario, cadena de frío.",
            ["15540000", "15500000"],
            [("haccp", True), ("fssc-22000", False)],
            60000,
            "kg",
            240000,
        ),
        (
            "es",
            "Etiquetas autoadhesivas para envases de bebidas",
            "Etiquetas en BOPP impresas en flexografía 6 colores, rollos para etiquetadora automática.",
            ["22900000", "22460000"],
            [("iso-9001", True), ("fsc", False)],
            4000000,
            "units",
            130000,
        ),
        (
            "es",
            "Cajas de cartón corrugado para exportación",
            "Cajas regulares ranuradas onda BC, 275 lb, impresión 2 colores, paletizadas.",
            ["44600000"],
            [("brcgs-packaging", True), ("fsc", False)],
            900000,
            "units",
            380000,
        ),
        (
            "es",
            "Detergentes y sanitizantes para planta de alimentos",
            "Detergentes alcalinos clorados y sanitizantes con amonio cuaternario, asesoría técnica y dosificadores.",
            ["39830000", "24900000"],
            [("gmp", True), ("iso-9001", False)],
            60000,
            "litres",
            95000,
        ),
        (
            "es",
            "Leche fluida pasteurizada para producción",
            "Leche entera pasteurizada a granel, análisis microbiológico por lote.",
            ["15510000"],
            [("haccp", True)],
            400000,
            "litres",
            300000,
        ),
    ],
    "mining": [
        (
            "es",
            "Mantenimiento de bombas y válvulas en faena",
            "Mantenimiento preventivo y reparación de bombas centrífugas y válvulas de pulpa, turnos 7x7, Antofagasta.",
            ["50530000", "42130000"],
            [("iso-45001", True), ("iso-9001", False)],
            6000,
            "hours",
            520000,
        ),
        (
            "es",
            "Fabricación de piezas de desgaste",
            "Revestimientos y piezas de desgaste en acero al manganeso para chancadores y molinos.",
            ["43100000", "44210000"],
            [("iso-9001", True)],
            400,
            "pieces",
            850000,
        ),
        (
            "es",
            "Transporte de insumos a faena minera",
            "Transporte terrestre de insumos y repuestos desde puerto a faena, seguridad vial certificada.",
            ["60100000", "63100000"],
            [("iso-45001", True)],
            900,
            "shipments",
            410000,
        ),
        (
            "es",
            "Ropa de trabajo y EPP",
            "Ropa ignífuga, cascos y guantes según norma, tallaje en terreno.",
            ["18100000", "35113000"],
            [("iso-9001", False)],
            12000,
            "units",
            160000,
        ),
        (
            "es",
            "Capacitación en seguridad y liderazgo",
            "Programa de capacitación en seguridad operacional y liderazgo para supervisores.",
            ["80500000"],
            [],
            1200,
            "hours",
            45000,
        ),
    ],
}
