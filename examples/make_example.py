#!/usr/bin/env python3
"""Generate the tamis example crawl: examples/news.warc.gz and examples/news.warc.wet.gz.

Usage: python3 examples/make_example.py

Standard library only, fully deterministic: record ids are uuid5 values derived
from the page URLs, dates are fixed, the random generator has a fixed seed, and
the gzip members are written with mtime 0.  Running it twice gives byte-identical
files (for a given zlib version).

All the text is original, written for tamis.  The French news site is modelled on
the running example of the design (a French edition of a Chinese state news site);
one of its pages carries the running example's document (lines embedded below as
SEED_LINES), with its chrome: the "Dernière mise à jour" header line, the block of
the site's headlines and the WeChat call to action repeated on every page of the
site.  Six pages from other sites, in other languages, are interleaved.

The script checks its own output before it returns (asserts): seed constraints,
cross-page repetition of the chrome, uniqueness of article paragraphs, HTML/WET
consistency, and a re-parse of both files record by record.
"""

import base64
import datetime
import email.utils
import hashlib
import html
import os
import random
import re
import struct
import sys
import unicodedata
import uuid
import zlib
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
WARC_NAME = "news.warc.gz"
WET_NAME = "news.warc.wet.gz"

RNG = random.Random(20200228)
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "tamis:examples/news")

# ---------------------------------------------------------------------------
# The running example (../shared/seed/000_c7f3b936f73cf696.txt), line by line.
# Line 1: header chrome; lines 2-7: the article; then the site's headlines with
# the WeChat call to action where the page has it.
# ---------------------------------------------------------------------------
SEED_LINES = [
    'Dernière mise à jour à 10h10 le 28/02',
    "Le secrétaire américain à la Défense Mark Esper s'est entretenu jeudi par téléphone avec son homologue turc Hulusi Akar au sujet de la Syrie et de la Libye, a déclaré le Pentagone dans un communiqué.",
    "Les deux dirigeants ont discuté des opérations du gouvernement Assad dans la province d'Idleb, dans le nord-ouest de la Syrie - opérations soutenues par la Russie et l'Iran, selon Washington - et de la crise humanitaire qui en résulte dans la région, indique le communiqué.",
    'Au cours de la conversation téléphonique, les deux parties ont également discuté de la situation en Libye.',
    "Washington est en train d'examiner divers moyens de travailler avec la Turquie sur ces questions, ajoute le communiqué.",
    "L'armée syrienne a récemment lancé une offensive militaire visant à éliminer les groupes rebelles radicaux à Idleb et dans la province voisine d'Alep. La Turquie soutient quant à elle les rebelles, et a exhorté la Russie et la Syrie à respecter les termes de l'accord de Sotchi, qui impose un cessez-le-feu à Idleb.",
    'Un peu plus tôt jeudi, le ministère turc de la Défense a annoncé que deux soldats turcs avaient été tués par une frappe aérienne à Idleb, portant à 18 le nombre de militaires turcs tués dans cette province.',
    "La Chine procède au plus grand ajustement de l'histoire de son espace aérien",
    'Selon le rapport Hurun, Beijing compte le plus grand nombre de riches Chinois',
    'Le sud du Xinjiang progresse dans la lutte contre la pauvreté',
    "Chine : l'indice des prix à la consommation en hausse de 3% en septembre",
    "Mise à l'eau du plus grand porte-conteneurs au monde propulsé au gaz naturel liquéfié à Shanghai",
    'La Chine achète plus de produits aux États-Unis',
    "L'armée de l'air chinoise ouvre ses portes au public pour présenter ses dernières capacités de combat",
    'Qui va nourrir les Chinois ?',
    'Ceux qui veulent nous rejoindre sur la messagerie WeChat, scannez le code QR ci-contre.',
    'Shanghai en tête de la capacité de consommation en Chine',
    'Le ministère de la Justice chinois lance un site en anglais',
    "Le réseau 5G couvrira 430 millions de Chinois d'ici 2025",
    "La coentreprise d'Airbus en Chine devient le seul fournisseur de certains éléments de structures composites de l'A350 XWB",
]
SEED_FILE = os.path.join(HERE, "..", "..", "shared", "seed", "000_c7f3b936f73cf696.txt")

WECHAT = "Ceux qui veulent nous rejoindre sur la messagerie WeChat, scannez le code QR ci-contre."
SEED_HEADER = SEED_LINES[0]
SEED_PARAS = SEED_LINES[1:7]
SEED_RELATED = SEED_LINES[7:]  # headlines, with the WeChat line where the page has it
SEED_SOCIAL_AT = SEED_RELATED.index(WECHAT)
SEED_HEADLINES = [l for l in SEED_RELATED if l != WECHAT]

# ---------------------------------------------------------------------------
# The French news site
# ---------------------------------------------------------------------------
FR_HOST = "french.example-news.cn"
FR_BASE = "http://" + FR_HOST
FR_SECTIONS = {
    "chine": ("c31354", "Chine"),
    "eco": ("c31355", "Économie"),
    "monde": ("c31356", "Monde"),
    "sci": ("c31357", "Sciences"),
    "cult": ("c31358", "Culture"),
    "sport": ("c31359", "Sport"),
    "soc": ("c31360", "Société"),
}
FR_NAV = [("Accueil", "/"), ("Chine", "/31354/"), ("Monde", "/31356/"), ("Économie", "/31355/"),
          ("Sciences", "/31357/"), ("Culture", "/31358/"), ("Sport", "/31359/"), ("Société", "/31360/"),
          ("Photos", "/31361/")]
FR_FOOTER_MENU = [("Accueil", "/"), ("Chine", "/31354/"), ("Monde", "/31356/"), ("Économie", "/31355/"),
                  ("Sport", "/31359/")]
FR_COPYRIGHT = "Copyright © 2020 Example News. Tous droits réservés."

# The site's headline pool: every headline of the running example, plus a few more.
EXTRA_HEADLINES = [
    "Le TGV Beijing-Zhangjiakou transporte son millionième voyageur",
    "Des panneaux solaires flottants installés sur un lac de l'Anhui",
    "Les exportations de thé du Yunnan atteignent un niveau record",
    "Un nouveau parc national créé dans le nord-est de la Chine",
]
HEADLINE_POOL = SEED_HEADLINES + EXTRA_HEADLINES
HEADLINE_URLS = {}
for _i, _h in enumerate(HEADLINE_POOL):
    _month, _day = 9 + _i % 4, 3 + (_i * 7) % 25
    HEADLINE_URLS[_h] = "%s/%d/%02d%02d/c3135%d-%d.html" % (
        FR_BASE, 2019, _month, _day, 4 + _i % 6, 9610000 + _i * 1733)

SEED_URL = FR_BASE + "/2020/0228/c31356-9663040.html"

# (mmdd, update time, section, document number, title, paragraphs)
FR_ARTICLES = [
    ("0210", "09h25", "soc", 9655218,
     "Vague de froid : le nord de la Chine se prépare à d'importantes chutes de neige", [
         "L'Observatoire météorologique central a émis lundi une alerte orange annonçant d'importantes chutes de neige et une baisse des températures pouvant atteindre dix degrés dans plusieurs provinces du nord du pays d'ici mercredi.",
         "Selon les prévisionnistes, la masse d'air froid venue de Sibérie touchera d'abord la Mongolie intérieure avant de gagner le Hebei, le Shanxi et le Shandong, où l'on attend par endroits jusqu'à quinze centimètres de neige fraîche.",
         "Les autorités locales ont demandé aux services de voirie de mobiliser leurs chasse-neige et de constituer des réserves de sel sur les axes principaux. Plusieurs lignes de bus interurbains pourraient être suspendues si la visibilité descend sous les cent mètres.",
         "Les agriculteurs sont invités à renforcer les serres et à mettre le bétail à l'abri, tandis que les écoles des zones concernées pourront retarder l'ouverture des classes jeudi matin afin de limiter les déplacements aux heures les plus froides.",
     ]),
    ("0211", "14h02", "eco", 9655731,
     "Les ventes en ligne de produits agricoles s'envolent dans le Sichuan", [
         "Les ventes de fruits et légumes du Sichuan réalisées sur les plateformes de commerce électronique ont progressé de plus de 40% en janvier par rapport à la même période de l'année dernière, selon les chiffres publiés mardi par le département provincial du Commerce.",
         "Les oranges, les kiwis et les piments séchés figurent parmi les produits les plus demandés. De nombreux producteurs présentent désormais leur récolte lors de diffusions vidéo en direct, une pratique qui leur permet de vendre sans passer par les grossistes.",
         "Pour accompagner cette croissance, la province a ouvert une quarantaine d'entrepôts frigorifiques de village et conclu des accords avec des sociétés de livraison afin de ramener à moins de trois jours le délai d'acheminement vers les grandes villes de l'est.",
         "Les experts estiment toutefois que les producteurs devront investir dans l'emballage et le contrôle de la qualité s'ils veulent fidéliser une clientèle urbaine de plus en plus exigeante sur la fraîcheur et l'origine des produits.",
     ]),
    ("0212", "11h48", "sci", 9656104,
     "Un radiotélescope du Guizhou détecte une nouvelle série de pulsars", [
         "Les astronomes exploitant le grand radiotélescope sphérique installé dans une dépression karstique du Guizhou ont annoncé mercredi la découverte d'une nouvelle série de pulsars, portant à plus d'une centaine le nombre de ces étoiles identifiées par l'instrument.",
         "Les pulsars sont des étoiles à neutrons en rotation rapide qui émettent des faisceaux d'ondes radio d'une grande régularité. Leur observation permet d'étudier la matière dans des conditions extrêmes et pourrait, à terme, aider à détecter des ondes gravitationnelles de très basse fréquence.",
         "Selon l'équipe scientifique, plusieurs des objets découverts appartiennent à des systèmes binaires, ce qui les rend particulièrement intéressants pour mettre à l'épreuve la théorie de la relativité générale.",
         "Le télescope, dont le réflecteur mesure cinq cents mètres de diamètre, consacre désormais une partie de son temps d'observation à des projets proposés par des chercheurs étrangers, précise le communiqué.",
     ]),
    ("0213", "16h37", "sport", 9656552,
     "Tennis de table : l'équipe nationale reprend l'entraînement à huis clos", [
         "L'équipe de Chine de tennis de table a repris cette semaine l'entraînement dans un centre sportif fermé au public, afin de préparer les prochaines échéances internationales dans les meilleures conditions possibles.",
         "Les joueurs et l'encadrement technique suivent un protocole strict : contrôle de la température deux fois par jour, repas servis dans les chambres et désinfection des tables après chaque séance. Les partenaires d'entraînement ont été choisis parmi les pensionnaires du centre.",
         "L'entraîneur principal a indiqué que le programme mettait l'accent sur le service et le retour de service, deux secteurs où les adversaires européens et japonais ont beaucoup progressé au cours des dernières saisons.",
     ]),
    ("0214", "10h05", "cult", 9656918,
     "Une exposition de peintures de la dynastie Song s'ouvre en ligne", [
         "Un musée de Nanjing a inauguré vendredi une exposition virtuelle consacrée à la peinture de paysage de la dynastie des Song, permettant aux internautes d'admirer en haute définition une soixantaine de rouleaux rarement montrés au public.",
         "Grâce à une technique de numérisation par segments, les visiteurs peuvent agrandir les œuvres jusqu'à distinguer le grain de la soie et le tracé de chaque coup de pinceau. Des commentaires audio en mandarin, en anglais et en français accompagnent le parcours.",
         "Les conservateurs expliquent que la fragilité des rouleaux impose de limiter leur exposition à la lumière à quelques semaines tous les trois ans. La version numérique restera en revanche accessible en permanence.",
         "Le musée prévoit d'ajouter chaque mois de nouvelles œuvres à l'exposition et d'organiser des conférences en ligne avec des spécialistes de l'histoire de l'art chinois.",
     ]),
    ("0217", "15h20", "monde", 9657630,
     "La Chine et l'Égypte renforcent leur coopération dans les énergies renouvelables", [
         "La Chine et l'Égypte ont signé lundi au Caire un protocole d'accord visant à développer des centrales solaires et des parcs éoliens dans le sud du pays, a annoncé le ministère égyptien de l'Électricité.",
         "Le document prévoit la réalisation d'études de faisabilité conjointes, la formation d'ingénieurs égyptiens dans des établissements chinois et la création d'une usine d'assemblage de panneaux photovoltaïques dans une zone économique proche du canal de Suez.",
         "Les deux parties ont souligné que ce projet s'inscrivait dans l'objectif égyptien d'augmenter nettement la part des énergies renouvelables dans la production d'électricité au cours des quinze prochaines années.",
         "Des entreprises chinoises participent déjà à la construction de plusieurs complexes solaires dans la vallée du Nil, où l'ensoleillement figure parmi les plus élevés du continent africain.",
         "Selon des analystes de la région, cette coopération pourrait également faciliter l'accès de l'Égypte à des financements préférentiels pour moderniser son réseau de transport d'électricité.",
     ]),
    ("0218", "08h50", "eco", 9657947,
     "Les trains de fret Chine-Europe maintiennent leur cadence", [
         "Malgré les perturbations du début d'année, les trains de marchandises reliant la Chine à l'Europe ont conservé un rythme soutenu en février, selon les données communiquées mardi par l'opérateur ferroviaire national.",
         "Au départ de Chongqing, de Xi'an et de Yiwu, les convois transportent principalement des équipements électroniques, des pièces automobiles et des textiles. Au retour, ils acheminent du vin, du lait en poudre, du bois et des machines-outils.",
         "Les gares frontalières ont mis en place des procédures de dédouanement sans contact afin d'accélérer le passage des conteneurs. Un train met en moyenne seize jours pour parcourir les quelque dix mille kilomètres du trajet.",
         "Les entreprises européennes apprécient ce mode de transport, deux fois plus rapide que le fret maritime et nettement moins coûteux que l'avion, notamment pour les produits à forte valeur ajoutée.",
     ]),
    ("0219", "12h15", "chine", 9658321,
     "Des dizaines de milliers d'oiseaux migrateurs observés au lac Poyang", [
         "Les gardes de la réserve naturelle du lac Poyang, dans la province du Jiangxi, ont recensé cet hiver plus de soixante-dix mille oiseaux d'eau, dont plusieurs centaines de grues de Sibérie, une espèce classée en danger critique d'extinction.",
         "Le plus grand lac d'eau douce de Chine offre chaque hiver des zones humides riches en tubercules et en petits poissons, qui attirent des oiseaux venus de Sibérie orientale et de Mongolie.",
         "Depuis l'interdiction de la pêche dans certaines parties du lac, les observateurs constatent une augmentation du nombre de cygnes et d'oies sauvages. Des caméras installées sur les digues permettent désormais de suivre les groupes sans les déranger.",
         "Les autorités provinciales ont annoncé la création de nouveaux postes d'observation ouverts aux photographes amateurs, qui devront toutefois respecter une distance minimale de deux cents mètres avec les oiseaux.",
         "Les grues commenceront à repartir vers le nord à la mi-mars, lorsque les températures remonteront et que le niveau de l'eau augmentera avec les pluies de printemps.",
     ]),
    ("0220", "17h44", "soc", 9658706,
     "Les cours en ligne se généralisent dans les universités chinoises", [
         "Plus d'un millier d'universités chinoises ont commencé à dispenser leurs cours en ligne cette semaine, le début du semestre de printemps ayant été reporté dans l'ensemble du pays, a indiqué jeudi le ministère de l'Éducation.",
         "Les enseignants utilisent des plateformes de visioconférence, des salles de classe virtuelles et des forums de discussion pour garder le contact avec leurs étudiants. Certains ont enregistré leurs leçons à l'avance afin de tenir compte des connexions lentes dans les régions rurales.",
         "Les opérateurs de télécommunications ont augmenté la capacité de leurs réseaux et proposé des forfaits de données gratuits aux étudiants issus de familles modestes pendant toute la durée du semestre.",
         "Pour les travaux pratiques, notamment en chimie et en médecine, les établissements préparent des sessions intensives qui seront organisées dès le retour des étudiants sur les campus.",
     ]),
    ("0221", "13h30", "eco", 9659102,
     "Le port de Ningbo-Zhoushan reprend progressivement ses activités", [
         "Le port de Ningbo-Zhoushan, l'un des plus fréquentés du monde en tonnage, a retrouvé vendredi environ 80% de sa capacité de manutention habituelle, selon le groupe portuaire qui l'exploite.",
         "Les dockers reviennent par équipes successives après un contrôle sanitaire, et les portiques automatisés des terminaux à conteneurs fonctionnent désormais jour et nuit pour résorber le retard accumulé depuis la fin du mois de janvier.",
         "Les compagnies maritimes ont rétabli une partie des escales annulées sur les lignes desservant l'Europe du Nord, la Méditerranée et la côte ouest des États-Unis.",
         "Afin de soutenir les exportateurs, les autorités locales ont temporairement réduit les frais de stockage des conteneurs et simplifié les formalités pour les marchandises périssables.",
         "Les économistes estiment que la reprise de l'activité portuaire constitue un indicateur avancé du redémarrage de l'industrie manufacturière dans le delta du Yangtsé.",
         "Le port avait traité l'an dernier plus d'un milliard de tonnes de marchandises, un volume en hausse pour la onzième année consécutive, selon le rapport annuel de l'exploitant.",
     ]),
    ("0224", "10h55", "monde", 9659840,
     "Les pays d'Asie centrale discutent d'une gestion commune de l'eau", [
         "Les représentants de cinq pays d'Asie centrale se sont réunis lundi à Tachkent pour examiner un projet de mécanisme régional de partage des eaux du Syr-Daria et de l'Amou-Daria, deux fleuves essentiels à l'agriculture de la région.",
         "Les participants ont évoqué la modernisation des réseaux d'irrigation, dont une grande partie date de l'époque soviétique et perd près de la moitié de l'eau transportée avant qu'elle n'atteigne les champs.",
         "Un système commun de surveillance par satellite du débit des cours d'eau et du niveau des réservoirs pourrait être mis en place d'ici deux ans, selon un communiqué publié à l'issue de la réunion.",
         "La Chine, qui partage plusieurs bassins fluviaux avec ses voisins d'Asie centrale, a proposé de contribuer à la formation d'hydrologues et à l'installation de stations de mesure automatiques.",
     ]),
    ("0225", "09h12", "chine", 9660255,
     "Les travaux de printemps commencent dans les plaines du Henan", [
         "Les agriculteurs des plaines du Henan, principale région céréalière du pays, ont entamé cette semaine les travaux de printemps, en commençant par l'irrigation et la fertilisation des champs de blé d'hiver.",
         "Pour éviter les rassemblements, les coopératives agricoles organisent la distribution des semences et des engrais par créneaux horaires, tandis que des techniciens répondent aux questions des cultivateurs par messagerie et par vidéo.",
         "Des drones d'épandage sont utilisés à grande échelle dans plusieurs districts. Un seul appareil peut traiter une quarantaine d'hectares par jour, soit l'équivalent du travail de plusieurs dizaines d'ouvriers.",
         "Les services météorologiques prévoient des précipitations légèrement supérieures à la normale en mars, une bonne nouvelle pour la croissance du blé après un hiver relativement sec.",
         "Le Henan fournit environ un quart de la production nationale de blé, et les autorités provinciales se sont fixé pour objectif de maintenir la surface cultivée au niveau de l'an dernier.",
     ]),
    ("0226", "15h08", "sci", 9660612,
     "Des robots de livraison testés dans les quartiers résidentiels de Shenzhen", [
         "Une entreprise technologique de Shenzhen a commencé à tester des robots de livraison autonomes dans une dizaine de quartiers résidentiels de la ville, afin d'acheminer colis et courses jusqu'au pied des immeubles sans contact humain.",
         "Les véhicules, de la taille d'un petit réfrigérateur, circulent à une vitesse maximale de quinze kilomètres à l'heure sur les trottoirs et les voies internes des résidences. Ils sont équipés de caméras, de radars et d'un système de positionnement de haute précision.",
         "Les habitants reçoivent un code sur leur téléphone portable lorsque le robot arrive, ce qui leur permet d'ouvrir le compartiment où se trouve leur commande sans avoir à signer de bordereau.",
         "L'entreprise affirme que chaque robot peut effectuer une centaine de livraisons par jour. Elle prévoit d'étendre l'expérience à d'autres villes du delta de la rivière des Perles si les résultats se révèlent concluants.",
     ]),
    ("0227", "11h26", "soc", 9660958,
     "Les hôpitaux de Shanghai développent les consultations à distance", [
         "Plusieurs grands hôpitaux de Shanghai ont élargi leurs services de consultation en ligne, permettant aux patients atteints de maladies chroniques de renouveler leurs ordonnances sans se déplacer, a annoncé jeudi la commission municipale de la santé.",
         "Les médecins reçoivent les patients par vidéo selon un calendrier de rendez-vous, consultent leur dossier médical électronique et peuvent prescrire des médicaments qui sont ensuite livrés à domicile par des pharmacies partenaires.",
         "Les consultations à distance sont remboursées par l'assurance maladie de base au même tarif qu'une consultation classique, une mesure destinée à encourager les personnes âgées à utiliser ces services.",
         "Selon la commission, plus de deux cent mille consultations en ligne ont été réalisées depuis le début du mois, principalement en cardiologie, en endocrinologie et en pédiatrie.",
         "Des bénévoles ont également été formés pour aider les seniors à installer les applications nécessaires sur leur téléphone et à prendre rendez-vous avec leur médecin habituel.",
     ]),
    ("0228", "10h10", "monde", 9663040,
     "Les ministres américain et turc de la Défense évoquent la Syrie et la Libye", SEED_PARAS),
    ("0302", "14h40", "cult", 9663518,
     "Un musée de Xi'an met en ligne ses collections de bronzes antiques", [
         "Un musée de Xi'an, ancienne capitale de plusieurs dynasties chinoises, a mis en ligne lundi une base de données présentant plus de trois mille objets en bronze, dont des vases rituels, des armes et des miroirs datant de la dynastie des Zhou occidentaux.",
         "Chaque objet est accompagné de photographies prises sous différents angles, d'une modélisation en trois dimensions et d'une notice détaillant les inscriptions qu'il porte. Les chercheurs peuvent télécharger gratuitement les images pour leurs travaux.",
         "Les responsables du musée espèrent que cette initiative permettra de mieux faire connaître l'art du bronze chinois auprès du public étranger, une version anglaise du site étant prévue pour l'automne.",
     ]),
    ("0303", "18h05", "sport", 9663872,
     "Football : les clubs de première division poursuivent leur préparation", [
         "En l'absence de date officielle pour le coup d'envoi de la saison, les clubs de première division chinoise poursuivent leur préparation physique dans des camps d'entraînement, certains à l'étranger, d'autres dans le sud du pays.",
         "Les staffs techniques privilégient les séances en petits groupes et les matchs amicaux à huis clos contre des équipes de divisions inférieures, afin de conserver le rythme de la compétition.",
         "La fédération a indiqué qu'elle examinerait plusieurs scénarios de calendrier, dont un championnat resserré disputé dans un nombre limité de villes, pour permettre de terminer la saison avant la fin de l'année.",
         "Les joueurs étrangers qui avaient quitté le pays pendant les vacances d'hiver doivent respecter une période d'observation de quatorze jours à leur retour avant de rejoindre leur équipe.",
     ]),
    ("0304", "09h58", "eco", 9664230,
     "Les petits commerçants de Hangzhou adoptent massivement le paiement mobile", [
         "Plus de 95% des petits commerces de Hangzhou acceptent désormais le paiement par téléphone portable, selon une enquête publiée mercredi par la succursale locale de la banque centrale, qui souligne la rapidité avec laquelle les marchés de quartier se sont convertis au numérique.",
         "Les marchands de légumes, les cordonniers et les réparateurs de vélos affichent un code à scanner sur leur étal, tandis que les clients âgés peuvent toujours payer en espèces, conformément à la réglementation en vigueur.",
         "Les plateformes de paiement ont réduit temporairement leurs commissions pour les commerçants indépendants, une mesure qui devrait leur faire économiser plusieurs millions de yuans d'ici l'été.",
         "Pour les économistes, ces données de transaction offrent aussi une image presque en temps réel de la consommation des ménages, précieuse pour suivre la reprise de l'activité.",
     ]),
    ("0305", "16h12", "monde", 9664691,
     "L'Union africaine et la Chine lancent un programme de formation agricole", [
         "L'Union africaine et la Chine ont lancé jeudi un programme de formation destiné à plusieurs centaines de techniciens agricoles africains, qui portera sur la riziculture, l'irrigation au goutte-à-goutte et la transformation des produits après la récolte.",
         "Les formations seront dispensées dans des centres de démonstration déjà installés dans une vingtaine de pays du continent, ainsi qu'à distance par des instituts de recherche agronomique chinois.",
         "Selon la Commission de l'Union africaine, l'amélioration des rendements et la réduction des pertes après récolte constituent des priorités pour renforcer la sécurité alimentaire d'une population en forte croissance.",
         "Le programme prévoit également des bourses pour des étudiants en master et en doctorat, ainsi que des échanges entre coopératives agricoles chinoises et africaines.",
         "Les premières sessions débuteront en mai au Rwanda, en Éthiopie et en Côte d'Ivoire, avant d'être étendues à d'autres pays au cours du second semestre.",
         "Plusieurs ministres africains de l'Agriculture ont salué une initiative qui mise sur le transfert de savoir-faire plutôt que sur la seule aide matérielle.",
     ]),
    ("0306", "11h03", "sci", 9665027,
     "Une variété de riz tolérant le sel récoltée sur les côtes du Jiangsu", [
         "Des chercheurs ont annoncé vendredi avoir obtenu des rendements encourageants avec une variété de riz capable de pousser sur des terres salines, lors d'essais menés sur des parcelles côtières du Jiangsu, dans l'est de la Chine.",
         "Les parcelles expérimentales, irriguées avec un mélange d'eau douce et d'eau saumâtre, ont produit en moyenne six tonnes de grains par hectare, un résultat proche de celui d'une rizière ordinaire.",
         "La Chine compte de vastes étendues de terres salines ou alcalines, dont une partie pourrait être mise en culture si ces variétés se révèlent stables sur plusieurs saisons, selon les agronomes.",
         "Les scientifiques travaillent désormais à améliorer le goût et la teneur en protéines du grain, deux critères décisifs pour convaincre les consommateurs et les négociants.",
         "De nouveaux essais sont prévus cette année dans le Shandong et au Xinjiang, où la salinité des sols pose également de sérieuses difficultés aux agriculteurs.",
     ]),
    ("0309", "07h45", "soc", 9665912,
     "Des tempêtes de sable attendues dans le nord-ouest du pays", [
         "L'Observatoire météorologique central a prévenu lundi que des vents violents allaient soulever des tempêtes de sable et de poussière dans le Gansu, le Ningxia et l'ouest de la Mongolie intérieure entre mardi et jeudi.",
         "La visibilité pourrait tomber à moins de cinq cents mètres dans certaines zones désertiques, et les rafales atteindre quatre-vingts kilomètres à l'heure. Les autorités recommandent de limiter les activités de plein air et de fermer portes et fenêtres.",
         "La poussière pourrait atteindre Beijing et Tianjin en fin de semaine, mais sous une forme atténuée, selon les prévisionnistes, qui annoncent ensuite un net radoucissement des températures.",
         "Les spécialistes rappellent que les ceintures vertes plantées depuis plusieurs décennies en bordure des déserts ont réduit la fréquence des tempêtes les plus violentes, sans toutefois les faire disparaître.",
     ]),
    ("0310", "13h17", "soc", 9666340,
     "Les parcs de Beijing rouvrent avec un système de réservation en ligne", [
         "Plusieurs grands parcs de Beijing ont rouvert mardi leurs portes aux promeneurs, avec un nombre de visiteurs limité à 30% de leur capacité et une réservation obligatoire sur internet ou par téléphone.",
         "À l'entrée, les agents vérifient la réservation et la température de chaque visiteur. Les salles d'exposition, les temples et les autres espaces fermés restent pour l'instant inaccessibles au public.",
         "Avec l'arrivée du printemps, les premiers abricotiers et pruniers commencent à fleurir le long des lacs, attirant de nombreux photographes dès l'ouverture matinale des grilles.",
         "Les gestionnaires des parcs prévoient d'augmenter progressivement le quota de visiteurs si la situation le permet, en accordant la priorité aux habitants des quartiers voisins.",
     ]),
    ("0311", "10h36", "cult", 9666785,
     "Un festival de cinéma d'animation lance un concours de courts métrages", [
         "Le festival international de cinéma d'animation de Hangzhou a annoncé mercredi le lancement d'un concours de courts métrages ouvert aux étudiants et aux jeunes réalisateurs du monde entier, avec une date limite de dépôt fixée à la fin du mois de juin.",
         "Les films, d'une durée maximale de dix minutes, pourront être réalisés en dessin traditionnel, en papier découpé, en image de synthèse ou en volume animé. Un jury international désignera les lauréats dans cinq catégories.",
         "Les organisateurs ont indiqué que les séances du festival pourraient être en partie diffusées en ligne si les conditions sanitaires ne permettaient pas d'accueillir le public dans les salles.",
         "L'animation chinoise connaît un essor rapide depuis quelques années, portée par des studios qui s'inspirent de la mythologie et des contes traditionnels pour séduire un public de tous âges.",
         "Les œuvres primées seront ensuite présentées lors de projections organisées dans plusieurs centres culturels chinois à l'étranger, notamment en Europe et en Afrique.",
     ]),
    ("0312", "15h50", "eco", 9667203,
     "Les constructeurs automobiles de Changchun relancent leurs chaînes de production", [
         "Les principales usines automobiles de Changchun, dans la province du Jilin, ont retrouvé jeudi un niveau de production proche de la normale, après plusieurs semaines d'activité réduite, a annoncé le gouvernement municipal.",
         "Les équipementiers locaux ont été prioritaires pour la reprise afin d'éviter les ruptures d'approvisionnement. Des autocars spéciaux transportent les ouvriers entre leur domicile et les ateliers pour limiter l'usage des transports en commun.",
         "Les constructeurs se montrent prudents sur les perspectives du marché intérieur, mais comptent sur les mesures de soutien annoncées par plusieurs villes, comme les primes à l'achat de véhicules à énergie nouvelle.",
         "Changchun, souvent surnommée le berceau de l'automobile chinoise, produit chaque année plusieurs millions de véhicules et fait vivre des centaines de milliers de familles grâce à ce secteur.",
     ]),
    ("0313", "09h40", "chine", 9667598,
     "Le Yunnan plante des millions d'arbres pour protéger ses bassins versants", [
         "La province du Yunnan a lancé vendredi sa campagne annuelle de reboisement, avec l'objectif de planter plusieurs dizaines de millions d'arbres le long des cours supérieurs des grands fleuves qui prennent leur source sur son territoire ou le traversent.",
         "Les essences locales, comme le pin du Yunnan, le camphrier et divers chênes à feuillage persistant, ont été privilégiées afin de favoriser une forêt diversifiée plutôt que des plantations uniformes.",
         "Les villages participants reçoivent une rémunération pour l'entretien des jeunes plants pendant cinq ans, un dispositif qui complète les revenus des familles vivant dans les zones montagneuses.",
         "Selon le département provincial des forêts, la couverture forestière de la province a nettement progressé au cours des deux dernières décennies grâce à ces campagnes successives.",
         "Des stations de surveillance de l'érosion des sols seront installées dans les zones reboisées pour mesurer l'effet des plantations sur la qualité de l'eau des rivières.",
         "Les autorités encouragent également les citadins à parrainer un arbre en ligne, chaque don étant associé à une parcelle identifiée sur une carte numérique consultable par le donateur.",
         "La campagne se poursuivra jusqu'au début de la saison des pluies, généralement au mois de juin, période au-delà de laquelle les plantations deviennent plus difficiles à réussir.",
     ]),
    ("0316", "17h22", "sport", 9668410,
     "Marathon : les organisateurs proposent des courses virtuelles", [
         "Faute de pouvoir organiser leurs épreuves au printemps, plusieurs marathons chinois proposent à leurs inscrits de participer à une course virtuelle, en parcourant la distance de leur choix seuls et à l'heure qui leur convient.",
         "Les coureurs enregistrent leur parcours grâce à une application de suivi sportif, puis transmettent leur temps aux organisateurs, qui délivrent un diplôme numérique et envoient une médaille par la poste.",
         "Les médecins du sport rappellent néanmoins qu'il est préférable de reprendre progressivement l'entraînement après plusieurs semaines d'inactivité, et de privilégier dans un premier temps les distances courtes.",
     ]),
    ("0317", "12h08", "monde", 9668855,
     "La Chine et la France prolongent leur programme d'échanges universitaires", [
         "La Chine et la France ont convenu mardi de prolonger pour cinq ans leur programme d'échanges universitaires, qui permet chaque année à plusieurs milliers d'étudiants et de chercheurs de suivre une partie de leur formation dans l'autre pays.",
         "Le nouvel accord met l'accent sur les sciences de l'ingénieur, l'agronomie et les sciences de la santé, et prévoit davantage de diplômes conjoints délivrés par des établissements des deux pays.",
         "Les deux parties ont également décidé de simplifier la reconnaissance des crédits obtenus à l'étranger, une demande ancienne des étudiants qui devaient parfois rallonger leur cursus à leur retour.",
         "Compte tenu de la situation sanitaire, les départs prévus pour le semestre de printemps ont été reportés, mais les candidatures pour la rentrée de septembre restent ouvertes jusqu'à la fin du mois d'avril.",
         "La France est l'une des premières destinations européennes des étudiants chinois, tandis que le nombre d'étudiants français inscrits dans des universités chinoises a nettement progressé en dix ans.",
     ]),
    ("0318", "14h33", "sci", 9669241,
     "Un satellite d'observation des océans transmet ses premières images", [
         "Un satellite chinois d'observation des océans lancé à la fin de l'année dernière a transmis ses premières images opérationnelles, a annoncé mercredi l'administration chargée des affaires maritimes.",
         "L'appareil mesure la couleur de l'eau, la température de surface et la hauteur des vagues, des données utiles pour suivre la prolifération des algues, repérer les bancs de poissons et améliorer les prévisions météorologiques.",
         "Les premières images montrent avec précision les panaches de sédiments rejetés par le Yangtsé dans la mer de Chine orientale ainsi que les glaces qui bordent encore les côtes du golfe de Bohai.",
         "Les données seront mises gratuitement à la disposition des instituts de recherche étrangers dans le cadre d'accords de coopération scientifique, précise le communiqué de l'administration.",
     ]),
    ("0319", "10h21", "soc", 9669633,
     "Les bibliothèques de quartier de Chengdu prolongent leurs horaires", [
         "Une cinquantaine de bibliothèques de quartier de Chengdu ouvriront désormais jusqu'à 22 heures en semaine, a annoncé jeudi le bureau municipal de la culture, qui souhaite répondre à la demande des salariés et des étudiants.",
         "Ces petites bibliothèques, souvent installées au rez-de-chaussée de résidences ou dans d'anciens entrepôts rénovés, proposent des livres, des journaux et un accès gratuit à internet.",
         "Les lecteurs peuvent emprunter un ouvrage dans une bibliothèque et le rendre dans n'importe quelle autre bibliothèque du réseau grâce à un système de retour automatique installé à l'entrée.",
         "Des ateliers de lecture pour enfants, des cours de calligraphie et des séances de conversation en langues étrangères seront organisés le week-end dès que les rassemblements seront de nouveau autorisés.",
     ]),
    ("0320", "16h48", "eco", 9670015,
     "Les exportations de vélos électriques du Zhejiang repartent à la hausse", [
         "Les fabricants de vélos électriques du Zhejiang ont enregistré en mars une forte reprise de leurs commandes à l'exportation, notamment en provenance d'Europe, où la demande pour ce mode de déplacement ne cesse de croître.",
         "Dans la ville de Jinhua, un important centre de production, les usines tournent de nouveau à plein régime et certaines ont recruté des ouvriers supplémentaires pour honorer les commandes avant l'été.",
         "Les industriels misent sur des batteries plus légères et sur des cadres en aluminium recyclé pour répondre aux normes environnementales de plus en plus strictes des marchés européens.",
         "Selon une association professionnelle, la Chine fabrique la majorité des vélos électriques vendus dans le monde, mais la concurrence des fabricants d'Asie du Sud-Est s'intensifie.",
         "Les exportateurs restent toutefois attentifs aux délais de transport maritime, encore perturbés par le manque de conteneurs disponibles dans certains ports.",
     ]),
]

# ---------------------------------------------------------------------------
# Six pages from other sites, in other languages
# ---------------------------------------------------------------------------
OTHER_PAGES = [
    {   # English recipe blog
        "url": "https://bluekettle-kitchen.example/2020/03/one-pot-lemon-barley-soup/",
        "lang": "en", "iso3": "eng", "charset": "utf-8", "server": "Apache/2.4.41 (Ubuntu)",
        "ip": "198.51.100.23", "published": (2020, 3, 3),
        "site": "Blue Kettle Kitchen", "title_sep": " | ",
        "tagline": "Simple, seasonal food for busy weeknights",
        "nav": ["Home", "Recipes", "Meal Plans", "About", "Contact"],
        "kicker": "Soups",
        "title": "One-Pot Lemon Barley Soup with Spinach",
        "byline": "Posted on March 3, 2020 by Hannah · 12 comments",
        "body": [
            ("p", "There is a week every March when the weather cannot make up its mind, and this is the soup I make for it. It is bright enough to feel like spring, but hearty enough for the evenings when the wind still bites."),
            ("p", "Pearl barley does most of the work here. It simmers right in the broth, releases a little starch and turns the whole pot silky without a drop of cream. A big handful of spinach and a generous squeeze of lemon go in at the very end."),
            ("p", "If you have a parmesan rind hiding in the fridge, drop it in with the stock. It will not melt completely, but it gives the broth a savoury depth that makes people ask what your secret is."),
            ("links", ["Jump to Recipe", "Print Recipe"]),
            ("h2", "Ingredients"),
            ("ul", ["1 cup pearl barley, rinsed", "2 tablespoons olive oil", "1 onion, finely chopped",
                    "2 carrots, diced", "3 cloves garlic, minced", "6 cups vegetable stock",
                    "4 cups baby spinach", "Juice and zest of 1 lemon",
                    "Salt & freshly ground black pepper"]),
            ("h2", "Instructions"),
            ("ol", ["Heat the olive oil in a large pot over medium heat. Add the onion and carrots and cook for 6 to 8 minutes, until soft.",
                    "Stir in the garlic and cook for 1 minute, until fragrant.",
                    "Add the barley and the stock, bring to a boil, then lower the heat and simmer for 35 to 40 minutes, until the barley is tender.",
                    "Stir in the spinach, lemon juice and zest. Season with salt and pepper and serve hot."]),
            ("h3", "Notes"),
            ("p", "The soup thickens as it sits. Add a splash of water or stock when reheating leftovers, which keep for up to 4 days in the fridge."),
        ],
        "aside_title": "Popular posts",
        "aside": ["Easy Weeknight Chickpea Curry", "The Only Banana Bread You Need", "Sheet-Pan Roasted Vegetables"],
        "newsletter": ("Get new recipes in your inbox every Sunday.", "Subscribe"),
        "cookie": ("This site uses cookies to improve your experience.", "Accept"),
        "cookie_first": False,
        "footer": ["© 2020 Blue Kettle Kitchen. All rights reserved.", ["Privacy Policy", "Disclosure", "Contact"]],
        "css": "body{font-family:'Lato',sans-serif;background:#fffdf8}.recipe-card{border:2px solid #e8d9c0;padding:1em}",
        "script": "window.adsQueue=window.adsQueue||[];adsQueue.push({slot:'sidebar-top'});",
    },
    {   # German regional news, windows-1252
        "url": "https://www.rheintal-bote.example/region/oberland/neuer-buergerbus-verbindet-drei-doerfer-4711.html",
        "lang": "de", "iso3": "deu", "charset": "windows-1252", "server": "nginx/1.16.1",
        "ip": "192.0.2.41", "published": (2020, 3, 5),
        "site": "Rheintal-Bote", "title_sep": " – ",
        "tagline": "Ihre Zeitung für die Region",
        "nav": ["Startseite", "Region", "Politik", "Wirtschaft", "Sport", "Kultur"],
        "kicker": "Oberland",
        "title": "Neuer Bürgerbus verbindet drei Dörfer im Oberland",
        "byline": "Von Jana Köhler | 05.03.2020, 14:32 Uhr",
        "body": [
            ("p", "Seit Montag rollt im Oberland ein neuer Bürgerbus: Der weiße Kleinbus mit acht Sitzplätzen verbindet die Dörfer Altenbach, Lindenbühl und Oberweiler mit dem Bahnhof in der Kreisstadt."),
            ("p", "Gefahren wird der Bus ausschließlich von Ehrenamtlichen. Derzeit haben sich 23 Fahrerinnen und Fahrer gemeldet, die meisten von ihnen im Ruhestand. „Wir wollen, dass auch ältere Menschen ohne Auto zum Arzt oder zum Einkaufen kommen“, sagt Vereinsvorsitzender Walter Brenner."),
            ("p", "Eine Fahrt kostet 2 €, Kinder unter sechs Jahren fahren kostenlos. Der Bus verkehrt werktags im Stundentakt zwischen 7 und 19 Uhr, samstags bis 13 Uhr."),
            ("p", "Die Anschaffung des Fahrzeugs hat rund 58.000 € gekostet. Den größten Teil trägt das Land über ein Förderprogramm für den ländlichen Raum, den Rest teilen sich die drei Gemeinden."),
            ("p", "Wer mitfahren oder sich selbst als Fahrer engagieren möchte, findet den Fahrplan im Rathaus und in den Bäckereien der drei Orte."),
        ],
        "aside_title": "Das könnte Sie auch interessieren",
        "aside": ["Kreistag beschließt Sanierung der Rheinbrücke", "Fastnachtsumzug lockt Tausende nach Lindenbühl",
                  "Handballerinnen aus Oberweiler steigen auf"],
        "newsletter": None,
        "cookie": ("Wir verwenden Cookies, um unsere Website für Sie zu optimieren.", "Einverstanden"),
        "cookie_first": True,
        "footer": ["© 2020 Rheintal-Bote Verlagsgesellschaft mbH", ["Impressum", "Datenschutz", "AGB", "Kontakt"]],
        "css": "body{font:16px/1.5 Arial,Helvetica,sans-serif}.kicker{color:#b00;text-transform:uppercase}",
        "script": "var rb_page={ressort:'region',id:4711};",
    },
    {   # Spanish local news, culture section
        "url": "https://www.lavozdelaribera.example/cultura/2020/03/06/museo-municipal-muestra-ceramica-tradicional",
        "lang": "es", "iso3": "spa", "charset": "utf-8", "server": "nginx",
        "ip": "198.51.100.77", "published": (2020, 3, 6),
        "site": "La Voz de la Ribera", "title_sep": " - ",
        "tagline": None,
        "nav": ["Portada", "Local", "Provincia", "Deportes", "Cultura", "Opinión"],
        "kicker": "Cultura",
        "title": "El museo municipal inaugura una muestra sobre la cerámica tradicional de la comarca",
        "byline": "Redacción | 6 de marzo de 2020",
        "body": [
            ("p", "El Museo Municipal de Valdeluna inauguró este viernes la exposición «Barro y fuego», que reúne más de doscientas piezas de cerámica elaboradas en los alfares de la comarca entre finales del siglo XIX y mediados del siglo XX."),
            ("p", "Cántaros, botijos, lebrillos y tinajas de gran tamaño ocupan las tres salas de la planta baja. Muchas de las piezas proceden de donaciones de vecinos que las conservaban en sus casas y que nunca se habían mostrado al público."),
            ("p", "La muestra dedica un espacio especial a los últimos alfareros en activo de la zona. Un vídeo recoge el trabajo de uno de ellos, que todavía cuece sus piezas en un horno de leña construido por su abuelo."),
            ("p", "¿Sabías que el botijo mantiene el agua fresca gracias a la evaporación a través de los poros del barro? Esta y otras curiosidades se explican en los paneles, pensados también para el público infantil."),
            ("p", "La exposición podrá visitarse hasta el 31 de mayo, de martes a domingo, con entrada gratuita. Los sábados por la mañana se organizarán talleres de modelado para niños a partir de seis años."),
        ],
        "aside_title": "Más noticias",
        "aside": ["Las obras del nuevo polideportivo comenzarán en abril", "El ayuntamiento amplía el horario de la biblioteca",
                  "La banda municipal ofrecerá un concierto en la plaza Mayor"],
        "newsletter": ("Recibe cada mañana las noticias de la comarca en tu correo.", "Suscribirme"),
        "cookie": None,
        "cookie_first": False,
        "footer": ["© 2020 La Voz de la Ribera. Todos los derechos reservados.", ["Aviso legal", "Política de privacidad", "Publicidad"]],
        "css": "body{font-family:'Merriweather',serif}.byline{font-size:.85em;color:#666}",
        "script": "window.dataLayer=window.dataLayer||[];dataLayer.push({seccion:'cultura'});",
    },
    {   # Chinese tea blog (UTF-8)
        "url": "https://www.chayu-life.example/zhishi/2020/0312/lvcha-tiaoxuan.html",
        "lang": "zh-CN", "iso3": "zho", "charset": "utf-8", "server": "openresty",
        "ip": "203.0.113.88", "published": (2020, 3, 12),
        "site": "茶语生活", "title_sep": "_",
        "tagline": "品一杯好茶，过慢一点的生活",
        "nav": ["首页", "茶知识", "冲泡技巧", "茶具", "关于我们"],
        "kicker": "茶知识",
        "title": "春茶上市：如何挑选一杯好绿茶",
        "byline": "发布时间：2020-03-12\u3000作者：林小满",
        "body": [
            ("p", "每年三月，江南各地的春茶陆续上市。经过一个冬天的休养，茶树新发的嫩芽内含物质丰富，滋味鲜爽，因此明前茶一直深受茶友喜爱。"),
            ("p", "挑选绿茶，首先要看干茶的外形。好的绿茶条索匀整，色泽翠绿而有光泽，碎末很少。如果茶叶颜色发黄发暗，可能是存放时间过长或者受了潮。"),
            ("p", "其次是闻香气。取少量干茶放在手心，轻轻哈一口热气，优质绿茶会散发出清新的豆香、栗香或兰花香，而不应该有烟味、焦味或者霉味。"),
            ("p", "最后，最可靠的方法还是冲泡品尝。用八十度左右的热水冲泡，观察汤色是否清澈明亮，入口是否鲜爽回甘。叶底嫩绿、柔软、完整的，通常说明原料和工艺都比较好。"),
            ("p", "买回家的新茶最好密封后放入冰箱冷藏，避免与有异味的食物放在一起。开封后的茶叶建议在一个月内喝完，以保持最佳风味。"),
        ],
        "aside_title": "相关文章",
        "aside": ["紫砂壶的开壶与保养方法", "白茶为什么越放越香？", "夏天适合喝什么茶"],
        "newsletter": None,
        "cookie": None,
        "cookie_first": False,
        "footer": ["版权所有 © 2020 茶语生活 保留所有权利", ["关于我们", "联系我们", "隐私政策"]],
        "css": "body{font-family:'PingFang SC','Microsoft YaHei',sans-serif}.post-meta{color:#999}",
        "script": "var _hmt=_hmt||[];_hmt.push(['_trackPageview','/zhishi/2020/0312/']);",
    },
    {   # English local news
        "url": "https://www.millbrook-gazette.example/news/local/2020/03/09/library-reopens-after-roof-repairs",
        "lang": "en-US", "iso3": "eng", "charset": "utf-8", "server": "nginx/1.14.0",
        "ip": "192.0.2.119", "published": (2020, 3, 9),
        "site": "The Millbrook Gazette", "title_sep": " - ",
        "tagline": "Serving Millbrook and the valley since 1911",
        "nav": ["News", "Sports", "Business", "Opinion", "Obituaries", "Events"],
        "kicker": "Local News",
        "title": "Millbrook library reopens after six months of roof repairs",
        "byline": "By Daniel Ortiz | March 9, 2020",
        "body": [
            ("p", "The Millbrook Public Library reopened its doors on Monday morning, six months after a storm tore part of the roof off the 1920s brick building on Elm Street and forced staff to move the collection into storage."),
            ("p", "About forty residents were waiting on the steps when the doors opened at 9 a.m. “I've been coming here every Saturday since I was a kid,” said retired teacher Margaret Hill, 74. “It felt like a piece of the town was missing.”"),
            ("p", "The repairs cost $412,000, most of which was covered by the town's insurance policy. A state preservation grant paid for new copper gutters and the restoration of the original skylight above the reading room."),
            ("p", "Library director Sam Whitfield said the closure had an unexpected upside: volunteers used the time to digitize more than 3,000 pages of the Gazette's own archives, which are now searchable on the library's website."),
            ("p", "The library will keep extended hours through the end of March, opening until 8 p.m. on weekdays. A reopening celebration with music and a used-book sale is planned for Saturday afternoon."),
            ("h3", "Related coverage"),
            ("ul", ["Q&A: What the new library hours mean for you", "Town council approves budget for Elm Street sidewalks"]),
        ],
        "aside_title": "Most Read",
        "aside": ["High school robotics team heads to state finals", "Water main break closes part of Route 9",
                  "New bakery opens on Main Street"],
        "newsletter": ("Sign up for our Morning Briefing newsletter.", "Sign up"),
        "cookie": None,
        "cookie_first": False,
        "footer": ["© 2020 The Millbrook Gazette", ["Terms of Use", "Privacy Policy", "Contact Us", "Advertise"]],
        "css": "body{font-family:Georgia,serif}.article-body p{font-size:18px;line-height:1.6}",
        "script": "var gazette={section:'local',paywall:false,wordCount:212};",
    },
    {   # Russian popular science
        "url": "https://nauchny-vestnik.example/priroda/morozhnye-uzory-na-oknah/",
        "lang": "ru", "iso3": "rus", "charset": "utf-8", "server": "nginx",
        "ip": "203.0.113.150", "published": (2020, 2, 20),
        "site": "Научный вестник", "title_sep": " — ",
        "tagline": "Наука простыми словами",
        "nav": ["Главная", "Наука", "Технологии", "Природа", "Космос", "О проекте"],
        "kicker": "Природа",
        "title": "Почему зимой на окнах появляются морозные узоры",
        "byline": "Анна Соколова · 20 февраля 2020",
        "body": [
            ("p", "В морозное утро на стёклах старых окон часто можно увидеть удивительные рисунки, похожие на перья, папоротники или ветви деревьев. Откуда они берутся и почему никогда не повторяются?"),
            ("p", "Всё начинается с водяного пара, который содержится в тёплом воздухе комнаты. Соприкасаясь с холодным стеклом, он сразу превращается в лёд, минуя жидкое состояние. Этот процесс физики называют десублимацией."),
            ("p", "Первые кристаллики образуются там, где на стекле есть царапины, пылинки или следы от тряпки. Дальше к ним присоединяются новые молекулы воды, и кристаллы растут, ветвясь в разные стороны."),
            ("p", "Форма узора зависит от температуры, влажности воздуха и даже от того, насколько чистым было стекло. Поэтому двух одинаковых рисунков не бывает, как не бывает и двух одинаковых снежинок."),
            ("p", "На современных стеклопакетах морозные узоры встречаются редко: внутреннее стекло почти не охлаждается, и влага на нём не замерзает."),
        ],
        "aside_title": "Читайте также",
        "aside": ["Как снежинки получают свою форму", "Что происходит с деревьями зимой", "Почему лёд скользкий"],
        "newsletter": None,
        "cookie": ("Мы используем файлы cookie, чтобы сайт работал лучше.", "Понятно"),
        "cookie_first": False,
        "footer": ["© 2020 Научный вестник. Все права защищены.", ["Контакты", "Реклама", "Политика конфиденциальности"]],
        "css": "body{font-family:'PT Serif',serif;max-width:760px;margin:auto}",
        "script": "window.nv=window.nv||{};nv.rubric='priroda';",
    },
]
# Position (in the French sequence) after which each other page is inserted.
OTHER_AFTER = [2, 7, 11, 17, 22, 26]

# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def esc(s):
    return html.escape(s, quote=False)


def attr(s):
    return html.escape(s, quote=True)


def summary(text, limit=150):
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def fr_url(mmdd, section, docid):
    return "%s/2020/%s/%s-%d.html" % (FR_BASE, mmdd, FR_SECTIONS[section][0], docid)


def render_french(art, related, social_at):
    """Return (html, expected text lines) for one page of the French site."""
    mmdd, hhmm, section, docid, title, paras = art
    url = fr_url(mmdd, section, docid)
    updated = "Dernière mise à jour à %s le %s/%s" % (hhmm, mmdd[2:], mmdd[:2])
    section_id, section_name = FR_SECTIONS[section]
    doc_title = "%s -- French.example-news.cn" % title
    lines = [doc_title]
    h = []
    h.append("<!DOCTYPE html>")
    h.append('<html lang="fr">')
    h.append("<head>")
    h.append('<meta charset="utf-8">')
    h.append('<meta http-equiv="X-UA-Compatible" content="IE=edge">')
    h.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    h.append("<title>%s</title>" % esc(doc_title))
    h.append('<meta name="description" content="%s">' % attr(summary(paras[0])))
    h.append('<meta name="keywords" content="%s">' % attr("%s, Chine, actualité" % section_name))
    h.append('<meta property="og:type" content="article">')
    h.append('<meta property="og:title" content="%s">' % attr(title))
    h.append('<meta property="og:site_name" content="Example News">')
    h.append('<meta property="og:url" content="%s">' % attr(url))
    h.append('<link rel="canonical" href="%s">' % attr(url))
    h.append('<link rel="stylesheet" href="/css/fr2019.css">')
    h.append("<style>")
    h.append('body{margin:0;font-family:Georgia,"Times New Roman",serif;color:#222}')
    h.append(".updated{color:#888;font-size:12px}.related li{list-style:square;margin:4px 0}")
    h.append(".social img{width:90px;height:90px;float:left}")
    h.append("</style>")
    h.append("<script>")
    h.append("var _paq = window._paq = window._paq || [];")
    h.append("_paq.push(['setCustomDimension', 1, '%s']);" % section_id)
    h.append("_paq.push(['trackPageView']);")
    h.append("</script>")
    h.append("</head>")
    h.append("<body>")
    h.append('<header class="top">')
    h.append('<div class="logo"><a href="%s/"><img src="/img/logo_fr.png" alt="Example News"></a></div>' % FR_BASE)
    h.append('<nav class="menu"><ul>')
    for name, href in FR_NAV:
        cls = ' class="on"' if name == section_name else ""
        h.append('<li%s><a href="%s%s">%s</a></li>' % (cls, FR_BASE, href, esc(name)))
        lines.append(name)
    h.append("</ul></nav>")
    h.append("</header>")
    h.append('<div class="w1000 main">')
    h.append("<!-- article -->")
    h.append('<article class="txt">')
    h.append("<h1>%s</h1>" % esc(title))
    lines.append(title)
    h.append('<div class="updated">%s</div>' % esc(updated))
    lines.append(updated)
    h.append('<div class="txt_con">')
    for p in paras:
        h.append("<p>%s</p>" % esc(p))
        lines.append(p)
    h.append("</div>")
    h.append("</article>")

    def related_block(items, cls):
        h.append('<div class="%s"><ul>' % cls)
        for item in items:
            h.append('<li><a href="%s" target="_blank">%s</a></li>' % (attr(HEADLINE_URLS[item]), esc(item)))
            lines.append(item)
        h.append("</ul></div>")

    related_block(related[:social_at], "related")
    h.append('<div class="social"><img src="/img/qr.png" alt="QR"><p>%s</p></div>' % esc(WECHAT))
    lines.append(WECHAT)
    related_block(related[social_at:], "related related2")
    h.append("</div>")
    h.append('<footer class="foot">')
    links = " | ".join('<a href="%s%s">%s</a>' % (FR_BASE, href, esc(name)) for name, href in FR_FOOTER_MENU)
    h.append('<p class="menu-bas">%s</p>' % links)
    lines.append(" | ".join(name for name, _ in FR_FOOTER_MENU))
    h.append('<p class="copyright">%s</p>' % esc(FR_COPYRIGHT))
    lines.append(FR_COPYRIGHT)
    h.append("</footer>")
    h.append("<script>")
    h.append('(function(){var s=document.createElement("script");s.async=true;'
             's.src="//stats.example-news.cn/c.js?c=%s&d=%d";document.body.appendChild(s);})();' % (section_id, docid))
    h.append("</script>")
    h.append("</body>")
    h.append("</html>")
    return "\n".join(h) + "\n", lines, url


def render_other(pg):
    """Return (html, expected text lines) for a page of one of the other sites."""
    doc_title = pg["title"] + pg["title_sep"] + pg["site"]
    lines = [doc_title]
    h = []
    h.append("<!DOCTYPE html>")
    h.append('<html lang="%s">' % pg["lang"])
    h.append("<head>")
    h.append('<meta charset="%s">' % pg["charset"])
    h.append("<title>%s</title>" % esc(doc_title))
    first_p = next(t for k, t in pg["body"] if k == "p")
    h.append('<meta name="description" content="%s">' % attr(summary(first_p, 140)))
    h.append('<meta property="og:title" content="%s">' % attr(pg["title"]))
    h.append('<meta property="og:site_name" content="%s">' % attr(pg["site"]))
    h.append('<link rel="canonical" href="%s">' % attr(pg["url"]))
    h.append("<style>%s</style>" % pg["css"])
    h.append("<script>%s</script>" % pg["script"])
    h.append("</head>")
    h.append("<body>")

    def cookie():
        text, button = pg["cookie"]
        h.append('<div id="cookie-notice" class="cookie-banner"><p>%s</p><button type="button">%s</button></div>'
                 % (esc(text), esc(button)))
        lines.extend([text, button])

    if pg["cookie"] and pg["cookie_first"]:
        cookie()
    h.append('<header class="site-header">')
    h.append('<div class="site-title"><a href="/">%s</a></div>' % esc(pg["site"]))
    lines.append(pg["site"])
    if pg["tagline"]:
        h.append('<p class="tagline">%s</p>' % esc(pg["tagline"]))
        lines.append(pg["tagline"])
    h.append('<nav class="main-nav"><ul>')
    for item in pg["nav"]:
        h.append('<li><a href="/%s/">%s</a></li>' % (abs(hash_int(item)) % 997, esc(item)))
        lines.append(item)
    h.append("</ul></nav>")
    h.append("</header>")
    h.append("<main>")
    h.append('<article class="post">')
    h.append('<p class="kicker">%s</p>' % esc(pg["kicker"]))
    lines.append(pg["kicker"])
    h.append('<h1 class="entry-title">%s</h1>' % esc(pg["title"]))
    lines.append(pg["title"])
    h.append('<p class="byline">%s</p>' % esc(pg["byline"]))
    lines.append(pg["byline"])
    h.append('<div class="article-body">')
    for kind, content in pg["body"]:
        if kind in ("p", "h2", "h3"):
            h.append("<%s>%s</%s>" % (kind, esc(content), kind))
            lines.append(content)
        elif kind in ("ul", "ol"):
            h.append("<%s>" % kind)
            for item in content:
                h.append("<li>%s</li>" % esc(item))
                lines.append(item)
            h.append("</%s>" % kind)
        elif kind == "links":
            h.append('<p class="post-actions">%s</p>'
                     % " ".join('<a class="btn" href="#recipe">%s</a>' % esc(t) for t in content))
            lines.append(" ".join(content))
        else:
            raise ValueError(kind)
    h.append("</div>")
    h.append("</article>")
    h.append('<aside class="sidebar">')
    h.append("<h3>%s</h3>" % esc(pg["aside_title"]))
    lines.append(pg["aside_title"])
    h.append("<ul>")
    for item in pg["aside"]:
        h.append('<li><a href="/p/%d">%s</a></li>' % (abs(hash_int(item)) % 100000, esc(item)))
        lines.append(item)
    h.append("</ul>")
    if pg["newsletter"]:
        text, button = pg["newsletter"]
        h.append('<form class="newsletter" action="/subscribe" method="post"><p>%s</p>'
                 '<input type="email" name="email" placeholder="you@example.com"><button type="submit">%s</button></form>'
                 % (esc(text), esc(button)))
        lines.extend([text, button])
    h.append("</aside>")
    h.append("</main>")
    h.append('<footer class="site-footer">')
    copyright_line, links = pg["footer"]
    h.append("<p>%s</p>" % esc(copyright_line))
    lines.append(copyright_line)
    h.append("<p>%s</p>" % " | ".join('<a href="/%s">%s</a>' % (i, esc(t)) for i, t in enumerate(links)))
    lines.append(" | ".join(links))
    h.append("</footer>")
    if pg["cookie"] and not pg["cookie_first"]:
        cookie()
    h.append('<script src="/assets/app.min.js" defer></script>')
    h.append("</body>")
    h.append("</html>")
    return "\n".join(h) + "\n", lines


def hash_int(s):
    return int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:4], "big")


# ---------------------------------------------------------------------------
# A naive HTML-to-text conversion, in the manner of Common Crawl's WET files:
# the <title>, then one line per block element, scripts and styles skipped.
# ---------------------------------------------------------------------------
class NaiveText(HTMLParser):
    BLOCK = {"title", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer",
             "nav", "article", "section", "aside", "main", "form", "br", "table", "tr", "td", "th",
             "blockquote", "figure", "figcaption", "dl", "dt", "dd", "pre", "address", "body", "html"}
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.buf, self.skip = [], [], 0

    def flush(self):
        text = re.sub(r"[ \t\n\r\f]+", " ", "".join(self.buf)).strip(" ")
        if text:
            self.lines.append(text)
        self.buf = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def html_to_lines(doc):
    p = NaiveText()
    p.feed(doc)
    p.close()
    p.flush()
    return p.lines


# ---------------------------------------------------------------------------
# WARC writing
# ---------------------------------------------------------------------------


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def record_id(kind, url):
    return "<urn:uuid:%s>" % uuid.uuid5(ID_NAMESPACE, kind + " " + url)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(t):
    return email.utils.format_datetime(t, usegmt=True)


def warc_record(version, fields, block):
    """fields: list of (name, value); Content-Length is filled in here, after Content-Type."""
    out = [version]
    for name, value in fields:
        out.append("%s: %s" % (name, value))
        if name == "Content-Type":
            out.append("Content-Length: %d" % len(block))
    assert any(f[0] == "Content-Type" for f in fields)
    head = ("\r\n".join(out) + "\r\n\r\n").encode("utf-8")
    return head + block + b"\r\n\r\n"


def gzip_member(data):
    """One gzip member, mtime 0, no file name, OS 'unknown': stable across Python versions."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    body = comp.compress(data) + comp.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    return header + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)


def warc_fields(pairs):
    return "".join("%s: %s\r\n" % kv for kv in pairs).encode("utf-8")


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def build_pages():
    """Return the pages in crawl order: dicts with url, html bytes, charset, lines, ..."""
    french = []
    n_pool = len(HEADLINE_POOL)
    k = 0
    for art in FR_ARTICLES:
        url = fr_url(art[0], art[2], art[3])
        if url == SEED_URL:
            related = [l for l in SEED_RELATED if l != WECHAT]
            social_at = SEED_SOCIAL_AT
        else:
            count = 8 + k % 3
            start = (k * 5) % n_pool
            related = [HEADLINE_POOL[(start + j) % n_pool] for j in range(count)]
            social_at = count - 3 - (k % 2)
            k += 1
        doc, lines, url = render_french(art, related, social_at)
        french.append({
            "url": url, "html": doc, "lines": lines, "charset": "utf-8", "codec": "utf-8",
            "server": "nginx", "ip": "203.0.113.10", "iso3": "fra", "paras": list(art[5]),
            "published": (2020, int(art[0][:2]), int(art[0][2:])), "site": "fr",
            "headlines": related,
        })
    others = []
    for pg in OTHER_PAGES:
        doc, lines = render_other(pg)
        others.append({
            "url": pg["url"], "html": doc, "lines": lines, "charset": pg["charset"],
            "codec": {"utf-8": "utf-8", "windows-1252": "cp1252"}[pg["charset"]],
            "server": pg["server"], "ip": pg["ip"], "iso3": pg["iso3"],
            "paras": [t for kind, t in pg["body"] if kind == "p"],
            "published": pg["published"], "site": pg["url"].split("/")[2], "headlines": [],
        })
    pages = []
    for i, page in enumerate(french):
        pages.append(page)
        if i in OTHER_AFTER:
            pages.append(others[OTHER_AFTER.index(i)])
    assert len(pages) == len(french) + len(others)
    return pages


def build(pages):
    crawl_start = datetime.datetime(2020, 4, 2, 3, 14, 7, tzinfo=datetime.timezone.utc)
    warc_info_id = record_id("warcinfo", WARC_NAME)
    wet_info_id = record_id("warcinfo", WET_NAME)
    warc_members, wet_members = [], []

    info = warc_fields([
        ("software", "tamis examples/make_example.py"),
        ("format", "WARC File Format 1.1"),
        ("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"),
        ("isPartOf", "tamis-example-news"),
        ("description", "Small synthetic crawl for tamis examples and tests (original text)"),
        ("operator", "tamis project"),
        ("robots", "classic"),
        ("http-header-user-agent", "tamis-example-bot/1.0"),
    ])
    warc_members.append(gzip_member(warc_record("WARC/1.1", [
        ("WARC-Type", "warcinfo"), ("WARC-Date", iso(crawl_start)), ("WARC-Filename", WARC_NAME),
        ("WARC-Record-ID", warc_info_id), ("Content-Type", "application/warc-fields"),
        ("WARC-Block-Digest", sha1_b32(info))], info)))

    extracted = crawl_start + datetime.timedelta(hours=6, minutes=41, seconds=12)
    wet_info = warc_fields([
        ("Software-Info", "tamis examples/make_example.py"),
        ("Extracted-Date", http_date(extracted)),
        ("isPartOf", "tamis-example-news"),
        ("description", "Plain text extracted from %s (original text)" % WARC_NAME),
        ("operator", "tamis project"),
    ])
    wet_members.append(gzip_member(warc_record("WARC/1.0", [
        ("WARC-Type", "warcinfo"), ("WARC-Date", iso(extracted)), ("WARC-Filename", WET_NAME),
        ("WARC-Record-ID", wet_info_id), ("Content-Type", "application/warc-fields"),
        ("WARC-Block-Digest", sha1_b32(wet_info))], wet_info)))

    t = crawl_start
    for page in pages:
        t += datetime.timedelta(seconds=RNG.randint(3, 97))
        url = page["url"]
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3]
        req_id, resp_id, meta_id = (record_id(k, url) for k in ("request", "response", "metadata"))
        page["response_id"] = resp_id
        page["date"] = t

        request = ("GET %s HTTP/1.1\r\n"
                   "User-Agent: tamis-example-bot/1.0\r\n"
                   "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                   "Accept-Language: en-US,en;q=0.5\r\n"
                   "Accept-Encoding: identity\r\n"
                   "Host: %s\r\n"
                   "Connection: Keep-Alive\r\n\r\n" % (path, host)).encode("ascii")
        warc_members.append(gzip_member(warc_record("WARC/1.1", [
            ("WARC-Type", "request"), ("WARC-Date", iso(t)), ("WARC-Record-ID", req_id),
            ("Content-Type", "application/http; msgtype=request"), ("WARC-Warcinfo-ID", warc_info_id),
            ("WARC-IP-Address", page["ip"]), ("WARC-Target-URI", url),
            ("WARC-Block-Digest", sha1_b32(request))], request)))

        body = page["html"].encode(page["codec"])
        page["body"] = body
        published = datetime.datetime(*page["published"], 8, 0, 0, tzinfo=datetime.timezone.utc)
        published += datetime.timedelta(minutes=hash_int(url) % 600)
        head = ("HTTP/1.1 200 OK\r\n"
                "Date: %s\r\n"
                "Server: %s\r\n"
                "Content-Type: text/html; charset=%s\r\n"
                "Content-Length: %d\r\n"
                "Last-Modified: %s\r\n"
                "Cache-Control: max-age=600\r\n"
                "Connection: close\r\n\r\n"
                % (http_date(t), page["server"], page["charset"], len(body), http_date(published)))
        response = head.encode("ascii") + body
        warc_members.append(gzip_member(warc_record("WARC/1.1", [
            ("WARC-Type", "response"), ("WARC-Date", iso(t)), ("WARC-Record-ID", resp_id),
            ("Content-Type", "application/http; msgtype=response"), ("WARC-Warcinfo-ID", warc_info_id),
            ("WARC-Concurrent-To", req_id), ("WARC-IP-Address", page["ip"]), ("WARC-Target-URI", url),
            ("WARC-Payload-Digest", sha1_b32(body)), ("WARC-Block-Digest", sha1_b32(response)),
            ("WARC-Identified-Payload-Type", "text/html")], response)))

        meta = warc_fields([("fetchTimeMs", str(RNG.randint(60, 900))),
                            ("charset-detected", {"utf-8": "UTF-8", "windows-1252": "windows-1252"}[page["charset"]])])
        warc_members.append(gzip_member(warc_record("WARC/1.1", [
            ("WARC-Type", "metadata"), ("WARC-Date", iso(t)), ("WARC-Record-ID", meta_id),
            ("Content-Type", "application/warc-fields"), ("WARC-Warcinfo-ID", warc_info_id),
            ("WARC-Concurrent-To", resp_id), ("WARC-Target-URI", url),
            ("WARC-Block-Digest", sha1_b32(meta))], meta)))

        text = ("\n".join(page["lines"]) + "\n").encode("utf-8")
        page["wet"] = text
        wet_members.append(gzip_member(warc_record("WARC/1.0", [
            ("WARC-Type", "conversion"), ("WARC-Target-URI", url), ("WARC-Date", iso(t)),
            ("WARC-Record-ID", record_id("conversion", url)), ("WARC-Refers-To", resp_id),
            ("WARC-Block-Digest", sha1_b32(text)), ("WARC-Identified-Content-Language", page["iso3"]),
            ("Content-Type", "text/plain")], text)))

    return b"".join(warc_members), b"".join(wet_members)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def normalise(line):
    line = line.lower()
    line = re.sub(r"\d", "0", line)
    line = "".join(c for c in line if not unicodedata.category(c).startswith("P"))
    return " ".join(line.split())


def check_content(pages):
    # The embedded seed is the running example, byte for byte.
    if os.path.exists(SEED_FILE):
        with open(SEED_FILE, "rb") as f:
            assert f.read().decode("utf-8").split("\n") == SEED_LINES, "SEED_LINES differ from the seed file"
    assert len(SEED_HEADLINES) == 12 and SEED_RELATED.count(WECHAT) == 1

    # Every page: the naive conversion of the HTML gives exactly the lines we meant.
    for page in pages:
        got = html_to_lines(page["html"])
        assert got == page["lines"], (page["url"], [x for x in zip(got, page["lines"]) if x[0] != x[1]][:2])
        assert page["html"].encode(page["codec"]).decode(page["codec"]) == page["html"]

    french = [p for p in pages if p["site"] == "fr"]
    others = [p for p in pages if p["site"] != "fr"]
    assert 28 <= len(french) <= 32 and len(others) == 6
    assert sum(1 for p in others if p["charset"] != "utf-8") == 1
    seed = [p for p in french if p["url"] == SEED_URL]
    assert len(seed) == 1
    seed = seed[0]

    # Seed page: the seed lines, contiguous and in order, with only title/chrome around them.
    lines = seed["lines"]
    start = lines.index(SEED_HEADER)
    assert lines[start:start + len(SEED_LINES)] == SEED_LINES
    assert lines[start - 1].startswith("Les ministres américain")  # the <h1>
    assert lines[start + len(SEED_LINES):] == [" | ".join(n for n, _ in FR_FOOTER_MENU), FR_COPYRIGHT]

    # The WeChat line on every page of the site, and only there.
    for p in french:
        assert p["lines"].count(WECHAT) == 1
    for p in others:
        assert WECHAT not in p["lines"]

    # Each seed headline on at least 3 other pages of the site.
    for hl in SEED_HEADLINES:
        n = sum(1 for p in french if p is not seed and hl in p["lines"])
        assert n >= 3, (hl, n)
    for hl in HEADLINE_POOL:
        assert sum(1 for p in french if hl in p["lines"]) >= 2, hl

    # Article paragraphs: 3-7 per French page, 150-450 characters (the seed's are as they are),
    # never on two pages, never equal to a headline after normalisation.
    line_pages = {}
    for p in pages:
        for l in set(p["lines"]):
            line_pages.setdefault(l, set()).add(p["url"])
    headlines_norm = {normalise(h) for h in HEADLINE_POOL}
    seen = set()
    for p in french:
        assert 3 <= len(p["paras"]) <= 7, p["url"]
        for para in p["paras"]:
            if p is not seed:
                assert 150 <= len(para) <= 450, (len(para), para)
            key = normalise(para)
            assert key not in seen, para
            seen.add(key)
            assert key not in headlines_norm, para
            assert len(line_pages[para]) == 1, para
    for p in others:
        for para in p["paras"]:
            assert len(line_pages[para]) == 1, para

    # Update lines: one per French page, the seed's exactly.
    for p in french:
        upd = [l for l in p["lines"] if l.startswith("Dernière mise à jour à ")]
        assert len(upd) == 1 and re.fullmatch(r"Dernière mise à jour à \d\dh\d\d le \d\d/\d\d", upd[0])
    assert SEED_HEADER in seed["lines"]


def iter_members(data):
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        out = d.decompress(data[pos:])
        assert d.eof, "truncated gzip member at %d" % pos
        yield pos, out
        pos = len(data) - len(d.unused_data)


def parse_record(raw):
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep
    head_lines = head.decode("utf-8").split("\r\n")
    version = head_lines[0]
    assert version in ("WARC/1.0", "WARC/1.1"), version
    fields = {}
    for line in head_lines[1:]:
        name, value = line.split(": ", 1)
        assert name not in fields, name
        fields[name] = value
    length = int(fields["Content-Length"])
    block = rest[:length]
    assert len(block) == length and rest[length:] == b"\r\n\r\n", "bad record end"
    if "WARC-Block-Digest" in fields:
        assert fields["WARC-Block-Digest"] == sha1_b32(block)
    return version, fields, block


def check_files(warc, wet, pages):
    recs = [parse_record(raw) for _, raw in iter_members(warc)]
    types = [f["WARC-Type"] for _, f, _ in recs]
    assert types == ["warcinfo"] + ["request", "response", "metadata"] * len(pages), types
    info_id = recs[0][1]["WARC-Record-ID"]
    ids = set()
    for (version, f, block), i in zip(recs[1:], range(len(recs) - 1)):
        page = pages[i // 3]
        assert version == "WARC/1.1"
        assert f["WARC-Target-URI"] == page["url"] and f["WARC-Warcinfo-ID"] == info_id
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", f["WARC-Date"])
        assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", f["WARC-Record-ID"])
        ids.add(f["WARC-Record-ID"])
        if f["WARC-Type"] == "response":
            http_head, _, payload = block.partition(b"\r\n\r\n")
            hl = http_head.decode("ascii").split("\r\n")
            assert hl[0] == "HTTP/1.1 200 OK"
            hh = dict(l.split(": ", 1) for l in hl[1:])
            assert int(hh["Content-Length"]) == len(payload)
            assert hh["Content-Type"] == "text/html; charset=" + page["charset"]
            assert f["WARC-Payload-Digest"] == sha1_b32(payload)
            assert payload == page["body"]
            assert html_to_lines(payload.decode(page["codec"])) == page["lines"]
    assert len(ids) == 3 * len(pages)

    wrecs = [parse_record(raw) for _, raw in iter_members(wet)]
    assert [f["WARC-Type"] for _, f, _ in wrecs] == ["warcinfo"] + ["conversion"] * len(pages)
    for (version, f, block), page in zip(wrecs[1:], pages):
        assert f["WARC-Target-URI"] == page["url"]
        assert f["WARC-Refers-To"] == page["response_id"]
        assert f["Content-Type"] == "text/plain"
        assert block.decode("utf-8").split("\n")[:-1] == page["lines"]


def main():
    pages = build_pages()
    check_content(pages)
    warc, wet = build(pages)
    check_files(warc, wet, pages)
    for name, data in ((WARC_NAME, warc), (WET_NAME, wet)):
        path = os.path.join(HERE, name)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        print("%s: %d bytes, sha256 %s" % (name, len(data), hashlib.sha256(data).hexdigest()))
    n_fr = sum(1 for p in pages if p["site"] == "fr")
    print("%d pages (%d French, %d other); WARC: 1 warcinfo + %d x (request, response, metadata); "
          "WET: 1 warcinfo + %d conversion" % (len(pages), n_fr, len(pages) - n_fr, len(pages), len(pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
