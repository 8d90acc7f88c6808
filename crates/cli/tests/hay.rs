//! The running example's texts (../shared/seed), as the tests expect them.

/// The six article paragraphs of the seed page: all must survive.
pub const SEED_ARTICLE: [&str; 6] = [
    "Le secrétaire américain à la Défense Mark Esper s'est entretenu jeudi par téléphone avec son homologue turc Hulusi Akar au sujet de la Syrie et de la Libye, a déclaré le Pentagone dans un communiqué.",
    "Les deux dirigeants ont discuté des opérations du gouvernement Assad dans la province d'Idleb, dans le nord-ouest de la Syrie - opérations soutenues par la Russie et l'Iran, selon Washington - et de la crise humanitaire qui en résulte dans la région, indique le communiqué.",
    "Au cours de la conversation téléphonique, les deux parties ont également discuté de la situation en Libye.",
    "Washington est en train d'examiner divers moyens de travailler avec la Turquie sur ces questions, ajoute le communiqué.",
    "L'armée syrienne a récemment lancé une offensive militaire visant à éliminer les groupes rebelles radicaux à Idleb et dans la province voisine d'Alep. La Turquie soutient quant à elle les rebelles, et a exhorté la Russie et la Syrie à respecter les termes de l'accord de Sotchi, qui impose un cessez-le-feu à Idleb.",
    "Un peu plus tôt jeudi, le ministère turc de la Défense a annoncé que deux soldats turcs avaient été tués par une frappe aérienne à Idleb, portant à 18 le nombre de militaires turcs tués dans cette province.",
];

/// The seed's chrome: its header line, its navigation headlines and its call to
/// action. None may survive line deduplication.
pub const SEED_CHROME: [&str; 14] = [
    "Dernière mise à jour à 10h10 le 28/02",
    "La Chine procède au plus grand ajustement de l'histoire de son espace aérien",
    "Selon le rapport Hurun, Beijing compte le plus grand nombre de riches Chinois",
    "Le sud du Xinjiang progresse dans la lutte contre la pauvreté",
    "Chine : l'indice des prix à la consommation en hausse de 3% en septembre",
    "Mise à l'eau du plus grand porte-conteneurs au monde propulsé au gaz naturel liquéfié à Shanghai",
    "La Chine achète plus de produits aux États-Unis",
    "L'armée de l'air chinoise ouvre ses portes au public pour présenter ses dernières capacités de combat",
    "Qui va nourrir les Chinois ?",
    "Ceux qui veulent nous rejoindre sur la messagerie WeChat, scannez le code QR ci-contre.",
    "Shanghai en tête de la capacité de consommation en Chine",
    "Le ministère de la Justice chinois lance un site en anglais",
    "Le réseau 5G couvrira 430 millions de Chinois d'ici 2025",
    "La coentreprise d'Airbus en Chine devient le seul fournisseur de certains éléments de structures composites de l'A350 XWB",
];
